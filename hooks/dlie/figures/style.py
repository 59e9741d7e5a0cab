"""How a figure looks: colour roles, fonts, and the SVG clean-up that makes matplotlib's output
follow the page (pure functions, no MkDocs).

Colours are *roles*, never literal colours: a figure draws with ``C.fg``, ``C.accent`` … whose
values are sentinel hex codes; :func:`clean_svg` swaps each sentinel for a CSS variable
(``var(--fig-accent)``) defined for the light and dark palettes and for print in
``docs/assets/stylesheets/extra.css``. A colour that is not a role fails the render, so no figure
can carry a white box into the dark palette. Text stays text (``svg.fonttype: none``) and takes the
page's font; sizes are CSS pixels of the figure's natural width (1 pt = 1 px at 72 dpi).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import matplotlib


@dataclass(frozen=True)
class Roles:
    """Colour roles: the attribute is what a figure function uses, the value a sentinel that
    :func:`clean_svg` replaces by ``var(--fig-<role>)``."""

    fg: str = "#010101"  # text, axes, outlines
    muted: str = "#020202"  # secondary text, ticks, guides
    grid: str = "#030303"  # grid lines, cell borders
    bg: str = "#040404"  # the page background (to knock out lines behind a label)
    accent: str = "#050505"  # the main series / highlighted cells (indigo)
    accent2: str = "#060606"  # a second series (orange)
    accent3: str = "#070707"  # a third series (green)
    accent4: str = "#080808"  # a fourth series (purple)
    fill: str = "#090909"  # light fill behind accent (cells, boxes)
    fill2: str = "#0a0a0a"  # light fill behind accent2
    fill3: str = "#0b0b0b"  # light fill behind accent3
    fill4: str = "#0c0c0c"  # neutral light fill (inputs, padding)


C = Roles()
ROLE_OF = {getattr(C, name): name for name in Roles.__dataclass_fields__}
SERIES = (C.accent, C.accent2, C.accent3, C.accent4)

FONT_SIZE = 13  # px at the figure's natural width
MIN_FONT_PX = 11  # smallest rendered text a reader must be able to read (the browser test checks it)

RC = {
    "svg.fonttype": "none",  # text as <text>, not outlined paths
    "svg.hashsalt": "dl-interview-explained",  # stable clip-path / marker ids
    "font.family": ["DejaVu Sans"],  # metrics only: the page's font draws the text
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "legend.frameon": False,
    "text.color": C.fg,
    "axes.labelcolor": C.fg,
    "axes.edgecolor": C.muted,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.edgecolor": "none",
    "xtick.color": C.muted,
    "ytick.color": C.muted,
    "xtick.labelcolor": C.fg,
    "ytick.labelcolor": C.fg,
    "grid.color": C.grid,
    "axes.prop_cycle": matplotlib.cycler(color=list(SERIES)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2,
    "patch.edgecolor": C.fg,
    "hatch.color": C.muted,
    "mathtext.fontset": "dejavusans",
}


class FigureStyleError(ValueError):
    """The SVG holds something the page cannot theme (a literal colour, an embedded image)."""


HEX_RE = re.compile(r"#[0-9a-fA-F]{6}\b")
ID_RE = re.compile(r' id="([^"]+)"')
FONT_FAMILY_RE = re.compile(r"font-family: [^;\"]*;? ?")
FONT_SIZE_RE = re.compile(r"font-size: ([0-9.]+)px")
# the XML prolog, metadata, and matplotlib's <style>*{stroke-linejoin…}</style>: inline in a page a
# "*" rule would style the whole page (extra.css sets the two properties on .fig-svg instead)
DROP_RE = re.compile(
    r"<\?xml[^>]*>\s*|<!DOCTYPE[^>]*>\s*|<metadata>.*?</metadata>\s*|<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>\s*",
    re.S,
)
SVG_OPEN_RE = re.compile(r'<svg [^>]*?width="([0-9.]+)pt" height="([0-9.]+)pt" viewBox="([^"]+)"[^>]*>')
DECIMALS_RE = re.compile(r"(?<![#\w])-?\d+\.\d{3,}")
TAG_RE = re.compile(r"<[^>]+>")
FACT_PREFIX = "fact-"  # gids that tests read back: written as classes (they may repeat)


def _round(m) -> str:
    return f"{float(m.group(0)):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class CleanSvg:
    svg: str
    width: float  # natural size in CSS px
    height: float
    min_font: float  # smallest font size used, px at natural size


def clean_svg(raw: str, prefix: str) -> CleanSvg:
    """matplotlib's SVG as inline markup for a page: no XML prolog or metadata, sentinel colours
    as CSS variables, no font family (the page's font draws the text), ids that matplotlib
    references prefixed with ``prefix`` (several figures share a page), its other ids dropped,
    and ``fact-*`` gids turned into classes. Raises FigureStyleError on a literal colour or
    an embedded raster image."""
    svg = DROP_RE.sub("", raw)
    if "<image" in svg:
        raise FigureStyleError("embedded raster image (imshow?): draw cells as patches so they follow the palette")
    m = SVG_OPEN_RE.search(svg)
    if not m:
        raise FigureStyleError("not a matplotlib SVG")
    width, height = float(m.group(1)), float(m.group(2))

    def colour(mm):
        role = ROLE_OF.get(mm.group(0).lower())
        if role is None:
            raise FigureStyleError(f"literal colour {mm.group(0)}: use a colour role (dlie.figures.style.C)")
        return f"var(--fig-{role})"

    body = svg[m.end() :]
    body = HEX_RE.sub(colour, body)
    body = FONT_FAMILY_RE.sub("", body)
    referenced = {a or b for a, b in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', body)}

    def ident(mm):
        name = mm.group(1)
        if name.startswith(FACT_PREFIX):
            return f' class="{name}"'
        if name in referenced:
            return f' id="{prefix}-{name}"'
        return ""

    body = ID_RE.sub(ident, body)
    body = re.sub(r"url\(#([^)]+)\)", lambda mm: f"url(#{prefix}-{mm.group(1)})", body)
    body = re.sub(r'href="#([^"]+)"', lambda mm: f'href="#{prefix}-{mm.group(1)}"', body)
    body = re.sub(r">\s+<", "><", body).replace(" \n", " ").replace("\n", " ")
    # coordinates to 1/100 px (plenty), inside tags only: the text a figure shows keeps its digits
    body = TAG_RE.sub(lambda tag: DECIMALS_RE.sub(_round, tag.group(0)), body)
    sizes = [float(s) for s in FONT_SIZE_RE.findall(body)]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="{m.group(3)}" class="fig-svg"'
    )
    return CleanSvg(head + ">" + body.strip(), width, height, min(sizes) if sizes else FONT_SIZE)


def rc_context():
    return matplotlib.rc_context(RC)

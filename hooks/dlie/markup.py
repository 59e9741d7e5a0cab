"""Markup contracts between the build stages: each placeholder or generated element has one
builder and one parser here, and every hook that writes or reads it uses them (pure functions)."""

from __future__ import annotations

import html
import re

# ---- figures -------------------------------------------------------------------------------
# A page places a figure with one Markdown image line whose address is ``figure:<key>``:
#     ![alt text for screen readers](figure:q06/stride "Caption shown under the figure")
# Python-Markdown turns it into <p><img …></p>; the figure stage replaces that paragraph.
FIGURE_SCHEME = "figure:"
FIGURE_P_RE = re.compile(r'<p>\s*(<img\b[^>]*\bsrc="figure:[^"]*"[^>]*>)\s*</p>')
FIGURE_IMG_RE = re.compile(r'<img\b[^>]*\bsrc="figure:[^"]*"[^>]*>')
ATTR_RE = re.compile(r'\b(src|alt|title)="([^"]*)"')


def find_figure_images(content: str) -> list[tuple[int, int, dict[str, str], bool]]:
    """Every ``figure:`` image in rendered page HTML: (start, end, {key, alt, caption}, alone),
    where ``alone`` says the image is the only thing in its paragraph (the span covers the <p>)."""
    out, taken = [], []
    for m in FIGURE_P_RE.finditer(content):
        out.append((m.start(), m.end(), _figure_attrs(m.group(1)), True))
        taken.append((m.start(), m.end()))
    for m in FIGURE_IMG_RE.finditer(content):
        if not any(s <= m.start() < e for s, e in taken):
            out.append((m.start(), m.end(), _figure_attrs(m.group(0)), False))
    return sorted(out, key=lambda x: x[0])


def _figure_attrs(tag: str) -> dict[str, str]:
    attrs = {k: html.unescape(v) for k, v in ATTR_RE.findall(tag)}
    return {
        "key": attrs.get("src", "")[len(FIGURE_SCHEME) :],
        "alt": attrs.get("alt", ""),
        "caption": attrs.get("title", ""),
    }


def figure_html(fig, key: str, alt: str, caption: str) -> str:
    """A rendered figure (``dlie.figures.style.CleanSvg``) as ``<figure>``: the SVG with its alt
    text as the accessible name, in a box that scrolls sideways when the page is narrower than
    the width at which its smallest text is still 11 px, and the caption under it."""
    from dlie.figures.style import MIN_FONT_PX

    min_width = round(fig.width * MIN_FONT_PX / fig.min_font) if fig.min_font < MIN_FONT_PX * fig.width else 0
    svg = fig.svg.replace(
        ' class="fig-svg"',
        f' class="fig-svg" role="img" aria-label="{html.escape(alt)}" width="{fig.width:g}" height="{fig.height:g}"'
        f' style="max-width:{fig.width:g}px;min-width:{min(min_width, fig.width):g}px"',
        1,
    )
    ident = "fig-" + key.replace("/", "-")
    return (
        f'<figure class="fig" id="{ident}"><div class="fig-scroll" tabindex="0">{svg}</div>'
        f"<figcaption>{html.escape(caption, quote=False)}</figcaption></figure>"
    )


FIGURE_ELEMENT_RE = re.compile(r'<figure class="fig" id="fig-([^"]+)">.*?</figure>', re.S)


def find_figures(content: str) -> list[str]:
    """Ids (``q06-stride``) of the rendered figures in page HTML, in order."""
    return FIGURE_ELEMENT_RE.findall(content)

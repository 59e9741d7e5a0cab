"""Small fixes to Material's output (one concern: the theme's markup and CSS; pure functions).

* The search overlay is ``role="dialog"`` without an accessible name: it gets ``aria-label``.
* Tables scroll horizontally inside their own box on phones; a scrollable region must be
  reachable by keyboard, so content tables get ``tabindex="0"``.
* Material's script wraps each content table (``table:not([class])``) in its scroll box
  (``div.md-typeset__scrollwrap > div.md-typeset__table``) at start-up, by taking the table out
  of the page and putting it back inside the box: its whole subtree (formulas included) is
  dropped from layout, restyled and laid out again, the longest part of the start-up task on a
  page with formula tables (Lighthouse TBT). The box is written here, at build time, in the
  markup Material's script makes, and the script's selector is narrowed to tables not already
  in that box (``on_post_build``), so the script finds nothing to move. Inserting the box at
  start-up also restyled the table's parent subtree (the UA MathML sheet has sibling rules),
  which is gone with it.
* Material's palette script marks ``<body data-md-color-switching>`` at start-up and removes
  the mark later; its stylesheet's ``[data-md-color-switching] *`` rule (no transitions while
  the palette changes) turns each of those into a restyle of the whole document, which on a
  formula-heavy page is ~100 ms of main-thread work apiece (Lighthouse TBT). The rule is
  dropped; the cost is that colours may fade for a moment when a reader toggles the palette.
"""

from __future__ import annotations

import re
from pathlib import Path

DIALOG_RE = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")(?![^>]*aria-label)')
TABLE_RE = re.compile(r"<table(?![^>]*tabindex)(?=[\s>])")
DATA_TABLE_RE = re.compile(r"<table(?![^>]*\bclass=)[\s>].*?</table>", re.S)
TABLE_BOX = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{}</div></div>'


def fix_html(output: str, search_label: str) -> str:
    output = DIALOG_RE.sub(rf'\1 aria-label="{search_label}"', output, count=1)
    start = output.find("<article")
    end = output.find("</article>")
    if start >= 0 and end > start:
        article = DATA_TABLE_RE.sub(lambda m: TABLE_BOX.format(m.group(0)), output[start:end])
        output = output[:start] + TABLE_RE.sub('<table tabindex="0"', article) + output[end:]
    return output


SWITCHING_RULE_RE = re.compile(
    r"\[data-md-color-switching\] \*,\[data-md-color-switching\] :after,"
    r"\[data-md-color-switching\] :before\{transition-duration:0s!important\}"
)


def drop_switching_rule(css: str) -> tuple[str, int]:
    """Material's palette CSS without the ``[data-md-color-switching]`` rule; (css, rules dropped)."""
    return SWITCHING_RULE_RE.subn("", css)


# Material's content component: ``getElements("table:not([class])", el).map(mountDataTable)``.
TABLE_SELECTOR = '"table:not([class])"'
# Boxed tables are exactly the content tables fix_html gave a tabindex; a simple ``:not()``
# (CSS 3), as an older WebView throws on a complex one and Material's content script would stop.
PREWRAPPED_SELECTOR = '"table:not([class]):not([tabindex])"'


def narrow_table_selector(js: str) -> tuple[str, int]:
    """Material's bundle with its data-table selector skipping tables already in their scroll
    box (written by ``fix_html``); (js, how many selectors it now has in the narrowed form)."""
    js = js.replace(TABLE_SELECTOR, PREWRAPPED_SELECTOR)
    return js, js.count(PREWRAPPED_SELECTOR)


def patch_files(paths: list[Path], patch) -> int:
    """Apply ``patch`` (text -> (text, count)) to each file, rewriting those it changed; the sum
    of the counts."""
    total = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        new, n = patch(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
        total += n
    return total


class ThemePatchError(RuntimeError):
    """A Material update changed what a patch edits: the build fails instead of shipping
    tables boxed twice or whole-document restyles."""


def patch_assets(site_dir: Path) -> None:
    """Edit Material's built bundle and palette CSS under ``site_dir/assets`` (see the module
    docstring for the measured reasons); raises ThemePatchError when a patch no longer applies."""
    assets = Path(site_dir) / "assets"
    bundles = sorted((assets / "javascripts").glob("bundle.*.min.js"))
    # counts the narrowed selector, so a bundle narrowed by an earlier build counts too
    if not bundles or patch_files(bundles, narrow_table_selector) != len(bundles):
        raise ThemePatchError(
            f"Material's data-table selector {TABLE_SELECTOR} not found in {assets}/javascripts/bundle.*.min.js"
        )
    sheets = sorted((assets / "stylesheets").glob("palette.*.min.css"))
    dropped = patch_files(sheets, drop_switching_rule)
    left = any("[data-md-color-switching] *" in s.read_text(encoding="utf-8") for s in sheets)
    if not sheets or (not dropped and left):
        raise ThemePatchError(
            f"Material's [data-md-color-switching] rule not found in {assets}/stylesheets/palette.*.min.css"
        )

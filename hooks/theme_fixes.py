"""MkDocs hook: small fixes to Material's output (one concern: the theme's markup and CSS).

* The search overlay is ``role="dialog"`` without an accessible name: it gets ``aria-label``.
* Tables scroll horizontally inside their own box on phones; a scrollable region must be
  reachable by keyboard, so content tables get ``tabindex="0"``.
* Material's script wraps each content table (``table:not([class])``) in its scroll box at
  start-up. Inserting children into an element whose children Chromium tracks for sibling and
  ``:nth-child`` rules (the UA MathML sheet has ``mprescripts ~ :nth-child(2n)``) restyles that
  element's whole subtree; with the table straight in ``<article>`` that is the whole formula
  page, ~100 ms (Lighthouse TBT). Each such table is put in a plain ``<div>`` here, so the
  restyle stays inside it; the div has no style and its margins collapse, so nothing moves.
* Material's palette script marks ``<body data-md-color-switching>`` at start-up and removes
  the mark later; its stylesheet's ``[data-md-color-switching] *`` rule (no transitions while
  the palette changes) turns each of those into a restyle of the whole document, which on a
  formula-heavy page is ~100 ms of main-thread work apiece (Lighthouse TBT). The rule is
  dropped; the cost is that colours may fade for a moment when a reader toggles the palette.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SEARCH_LABEL = {"zh": "搜索", "en": "Search"}
DIALOG_RE = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")(?![^>]*aria-label)')
TABLE_RE = re.compile(r"<table(?![^>]*tabindex)(?=[\s>])")
DATA_TABLE_RE = re.compile(r"<table(?![^>]*\bclass=)[\s>].*?</table>", re.S)


def fix_html(output: str, lang: str) -> str:
    output = DIALOG_RE.sub(rf'\1 aria-label="{SEARCH_LABEL[lang]}"', output, count=1)
    start = output.find("<article")
    end = output.find("</article>")
    if start >= 0 and end > start:
        article = DATA_TABLE_RE.sub(lambda m: f"<div>{m.group(0)}</div>", output[start:end])
        output = output[:start] + TABLE_RE.sub('<table tabindex="0"', article) + output[end:]
    return output


def on_post_page(output, page, config):
    lang = "en" if page.url.startswith("en/") else "zh"
    return fix_html(output, lang)


SWITCHING_RULE_RE = re.compile(
    r"\[data-md-color-switching\] \*,\[data-md-color-switching\] :after,"
    r"\[data-md-color-switching\] :before\{transition-duration:0s!important\}"
)


def drop_switching_rule(css: str) -> tuple[str, int]:
    """Material's palette CSS without the ``[data-md-color-switching]`` rule; (css, rules dropped)."""
    return SWITCHING_RULE_RE.subn("", css)


def on_post_build(config):
    sheets = sorted((Path(config.site_dir) / "assets" / "stylesheets").glob("palette.*.min.css"))
    dropped = 0
    for sheet in sheets:
        css, n = drop_switching_rule(sheet.read_text(encoding="utf-8"))
        if n:
            sheet.write_text(css, encoding="utf-8")
            dropped += n
    if sheets and not dropped:  # a Material update changed the rule: the fix needs a look
        print("WARNING (theme_fixes) - Material's [data-md-color-switching] rule not found", file=sys.stderr)

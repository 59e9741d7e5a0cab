"""MkDocs hook: small accessibility fixes to Material's HTML (one concern: the theme's markup).

* The search overlay is ``role="dialog"`` without an accessible name: it gets ``aria-label``.
* Tables scroll horizontally inside their own box on phones; a scrollable region must be
  reachable by keyboard, so content tables get ``tabindex="0"``.
"""

from __future__ import annotations

import re

SEARCH_LABEL = {"zh": "搜索", "en": "Search"}
DIALOG_RE = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")(?![^>]*aria-label)')
TABLE_RE = re.compile(r"<table(?![^>]*tabindex)(?=[\s>])")


def fix_html(output: str, lang: str) -> str:
    output = DIALOG_RE.sub(rf'\1 aria-label="{SEARCH_LABEL[lang]}"', output, count=1)
    start = output.find("<article")
    end = output.find("</article>")
    if start >= 0 and end > start:
        output = output[:start] + TABLE_RE.sub('<table tabindex="0"', output[start:end]) + output[end:]
    return output


def on_post_page(output, page, config):
    lang = "en" if page.url.startswith("en/") else "zh"
    return fix_html(output, lang)

"""MkDocs hook: the printable edition, one page per language with every question in order.

Each question page's rendered HTML (formulas included) is kept when it is rendered; the print
page (``print/index.<lang>.md``, excluded from search) is filled with all of them after every
page is rendered. Ids are prefixed per question (``q05-…``) so anchors stay unique, relative
links are re-based from the question's URL to the print page's, and follow-up answers are
opened; the study controls (practice mode, progress: they act on a question page) are left
out. ``tools/make_pdf.py`` prints these pages to PDF with headless Chromium.
"""

from __future__ import annotations

import posixpath
import re

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

PRINT_SRC = "print/index."
MARKER = "<!-- print-all -->"
# Attributes as Markdown and KaTeX write them (one space before each): a pattern that starts
# with a literal is searched far faster than one that starts with \b (the print page is MBs).
ID_RE = re.compile(r' id="([^"]+)"')
HREF_RE = re.compile(r' (href|src)="([^"#:?][^"]*|#[^"]*)"')
DETAILS_RE = re.compile(r"<details(?![^>]*\bopen\b)")
# up to the live region that closes the controls (hooks/study.py, question_header)
STUDY_CONTROLS_RE = re.compile(r'<div class="study-controls"[^>]*>.*?<p class="study-status"[^>]*></p></div>\n?', re.S)
_pages: dict[str, dict[str, tuple[int, str, str, str]]] = {"zh": {}, "en": {}}


def lang_of(page) -> str:
    return "en" if page.file.src_uri.endswith(".en.md") else "zh"


def rebase(html: str, prefix: str, from_url: str, to_url: str) -> str:
    """Prefix ids and same-page anchors with ``prefix``; re-base relative links from the page
    at ``from_url`` to the page at ``to_url`` (both site-relative directory URLs)."""
    html = ID_RE.sub(lambda m: f' id="{prefix}-{m.group(1)}"', html)

    def link(m):
        attr, url = m.group(1), m.group(2)
        if url.startswith("#"):
            return f' {attr}="#{prefix}-{url[1:]}"' if len(url) > 1 else m.group(0)
        target = posixpath.normpath(posixpath.join(from_url, url.split("#")[0]))
        frag = "#" + url.split("#", 1)[1] if "#" in url else ""
        if url.split("#")[0].endswith("/") and not target.endswith("/"):
            target += "/"
        return f' {attr}="{get_relative_url(target, to_url) if target != "." else "./"}{frag}"'

    html = STUDY_CONTROLS_RE.sub("", html)  # practice mode and progress belong to the question pages
    return DETAILS_RE.sub("<details open", HREF_RE.sub(link, html))


@event_priority(-90)  # after formulas are rendered, before the search hook defers them
def on_page_content(html, page, config, files):
    seed = page.meta.get("seed")
    if page.file.src_uri.startswith("questions/") and isinstance(seed, int):
        _pages[lang_of(page)][page.url] = (seed, str(page.meta.get("title", "")), page.url, html)
    return html


def assemble(lang: str, print_url: str) -> str:
    parts = []
    for seed, title, url, html in sorted(_pages[lang].values()):
        prefix = f"q{seed:02d}"
        body = rebase(html, prefix, url, print_url)
        parts.append(f'<section class="print-question" id="{prefix}"><h1>{title}</h1>\n{body}\n</section>')
    return "\n".join(parts)


def on_page_context(context, page, config, nav):
    if page.file.src_uri.startswith(PRINT_SRC) and MARKER in page.content:
        page.content = page.content.replace(MARKER, assemble(lang_of(page), page.url))
    return context

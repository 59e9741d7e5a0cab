"""The printable edition: one page per language with every question in order (pure functions).

Each question page's rendered HTML (formulas and figures included) is kept when it is rendered
(``Build.print_pages``); the print page (``print/index.<lang>.md``, excluded from search) is
filled with all of them after every page is rendered. Ids are prefixed per question (``q05-…``)
so anchors stay unique, references to them (links, SVG ``url(#…)`` and ``xlink:href``) follow,
relative links are re-based from the question's URL to the print page's, and follow-up answers
are opened; the study controls (they act on a question page) are left out. ``dlie.pdf`` prints
these pages to PDF with headless Chromium.
"""

from __future__ import annotations

import posixpath
import re
from html import escape

from dlie import markup

# Attributes as Markdown and KaTeX write them (one space before each): a pattern that starts
# with a literal is searched far faster than one that starts with \b (the print page is MBs).
ID_RE = re.compile(r' id="([^"]+)"')
# Absolute URLs (a scheme such as https: or mailto:) are not rebased.
HREF_RE = re.compile(r' (href|src)="(?![A-Za-z][A-Za-z0-9+.-]*:)([^"#:?][^"]*|#[^"]*)"')
SVG_REF_RE = re.compile(r'url\(#([^)"]+)\)|xlink:href="#([^"]+)"')
DETAILS_RE = re.compile(r"<details(?![^>]*\bopen\b)")


def rebase(html: str, prefix: str, from_url: str, to_url: str) -> str:
    """Prefix ids and same-page anchors with ``prefix``; re-base relative links from the page
    at ``from_url`` to the page at ``to_url`` (both site-relative directory URLs)."""
    from mkdocs.utils import get_relative_url

    html = ID_RE.sub(lambda m: f' id="{prefix}-{m.group(1)}"', html)
    html = SVG_REF_RE.sub(
        lambda m: f"url(#{prefix}-{m.group(1)})" if m.group(1) else f'xlink:href="#{prefix}-{m.group(2)}"', html
    )

    def link(m):
        attr, url = m.group(1), m.group(2)
        if url.startswith("#"):
            return f' {attr}="#{prefix}-{url[1:]}"' if len(url) > 1 else m.group(0)
        target = posixpath.normpath(posixpath.join(from_url, url.split("#")[0]))
        frag = "#" + url.split("#", 1)[1] if "#" in url else ""
        if url.split("#")[0].endswith("/") and not target.endswith("/"):
            target += "/"
        return f' {attr}="{get_relative_url(target, to_url) if target != "." else "./"}{frag}"'

    html = markup.drop_study_controls(html)  # practice mode and progress belong to the question pages
    return DETAILS_RE.sub("<details open", HREF_RE.sub(link, html))


def assemble(
    pages: dict[str, tuple[int, str, str, str]], print_url: str, part_titles: list[tuple[int, str]] = ()
) -> str:
    """The print page's body from ``{url: (seed, title, url, html)}`` of one language; with
    ``part_titles`` (``(first question, title)`` of each part, in order) each part opens with its
    title."""
    parts, current = [], None
    for seed, title, url, html in sorted(pages.values()):
        part = max((p for p in part_titles if p[0] <= seed), default=None)
        if part is not None and part != current:
            current = part
            parts.append(f'<h1 class="print-part" id="part-{part[0]}">{escape(part[1])}</h1>')
        prefix = f"q{seed:02d}"
        body = rebase(html, prefix, url, print_url)
        parts.append(f'<section class="print-question" id="{prefix}"><h1>{title}</h1>\n{body}\n</section>')
    return "\n".join(parts)

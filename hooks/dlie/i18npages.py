"""Fixes for a multi-language site built by mkdocs-static-i18n + Material (pure functions; the
languages come from ``dlie.languages``).

* Every page must exist in every language: a page without its twins fails the build.
* Material fetches ``sitemap.xml`` relative to every ``<link rel="alternate">`` in ``<head>``;
  with per-page alternates that is a 404 per page view. The per-page hreflang alternates are
  already in ``sitemap.xml`` (written by static-i18n), so the head links are dropped.
* Switcher links of the home pages are root-absolute: made page-relative.
* Each non-default language gets its own search scope: ``__config.base`` points at its folder so
  Material loads ``<lang>/search/search_index.json`` (written by ``dlie.search``) and resolves
  results and the base sitemap fetch there; ``<lang>/sitemap.xml`` is written for that fetch.
"""

from __future__ import annotations

import json
import re

ALTERNATE_LINK_RE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
CONFIG_RE = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
SWITCHER_ABS_RE = re.compile(r'<a href="/([^"]*)"( hreflang="[^"]*" class="md-select__link")')


def missing_translations(src_uris: list[str], codes: tuple[str, ...]) -> list[str]:
    """Messages for pages that lack a language (suffix layout: ``page.<lang>.md``)."""
    pages = {u for u in src_uris if u.endswith(".md")}
    problems = []
    for uri in sorted(pages):
        for lang in codes:
            if uri.endswith(f".{lang}.md"):
                stem = uri[: -len(f".{lang}.md")]
                for other in codes:
                    if other != lang and f"{stem}.{other}.md" not in pages:
                        problems.append(f"{uri} has no translation {stem}.{other}.md")
                break
        else:
            problems.append(f"{uri} has no language suffix ({' / '.join(f'.{c}.md' for c in codes)})")
    return problems


def drop_head_alternates(output: str) -> str:
    head_end = output.find("</head>")
    if head_end < 0:
        return output
    return ALTERNATE_LINK_RE.sub("", output[:head_end]) + output[head_end:]


def set_search_base(output: str, base: str) -> str:
    """Point Material's ``__config.base`` at ``base`` (a page-relative URL)."""

    def repl(m):
        cfg = json.loads(m.group(2))
        cfg["base"] = base
        return m.group(1) + json.dumps(cfg, ensure_ascii=False) + m.group(3)

    return CONFIG_RE.sub(repl, output, count=1)


def relative_switcher_links(output: str, page_url: str) -> str:
    """static-i18n gives the home pages root-absolute switcher links ("/", "/en/"), which break
    when the site is served below a path (GitHub project pages): make them page-relative."""
    from mkdocs.utils import get_relative_url

    return SWITCHER_ABS_RE.sub(
        lambda m: f'<a href="{get_relative_url(m.group(1) or ".", page_url)}"{m.group(2)}', output
    )


def post_page(output: str, page_url: str, langs) -> str:
    from mkdocs.utils import get_relative_url

    output = drop_head_alternates(output)
    output = relative_switcher_links(output, page_url)
    lang = langs.of_url(page_url)
    if lang != langs.default:
        output = set_search_base(output, get_relative_url(f"{lang}/", page_url).rstrip("/") or ".")
    return output

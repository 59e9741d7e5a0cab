"""MkDocs hook: fixes for mkdocs-static-i18n + Material (one concern: the two-language site).

* Every page must exist in both languages: a page without its twin fails the build.
* Material fetches ``sitemap.xml`` relative to every ``<link rel="alternate">`` in ``<head>``;
  with per-page alternates that is a 404 per page view. The per-page hreflang alternates
  are already in ``sitemap.xml`` (written by static-i18n), so the head links are dropped.
* Switcher links of the home pages are root-absolute: made page-relative.
* English pages get their own search scope: ``__config.base`` points at ``/en/`` so Material
  loads ``en/search/search_index.json`` (written by ``search_i18n``) and resolves results
  and the base sitemap fetch there; ``en/sitemap.xml`` is written for that fetch.
"""

from __future__ import annotations

import json
import re
import shutil

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from i18nbuild import final_site_root

LANGS = ("zh", "en")
DEFAULT = "zh"

ALTERNATE_LINK_RE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
CONFIG_RE = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def missing_translations(src_uris: list[str]) -> list[str]:
    """Messages for pages that exist in one language only (suffix layout)."""
    pages = {u for u in src_uris if u.endswith(".md")}
    problems = []
    for uri in sorted(pages):
        for lang in LANGS:
            if uri.endswith(f".{lang}.md"):
                stem = uri[: -len(f".{lang}.md")]
                for other in LANGS:
                    if other != lang and f"{stem}.{other}.md" not in pages:
                        problems.append(f"{uri} has no translation {stem}.{other}.md")
                break
        else:
            problems.append(f"{uri} has no language suffix (.zh.md / .en.md)")
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


SWITCHER_ABS_RE = re.compile(r'<a href="/([^"]*)"( hreflang="[^"]*" class="md-select__link")')


def relative_switcher_links(output: str, page_url: str) -> str:
    """static-i18n gives the home pages root-absolute switcher links ("/", "/en/"), which break
    when the site is served below a path (GitHub project pages): make them page-relative."""
    return SWITCHER_ABS_RE.sub(
        lambda m: f'<a href="{get_relative_url(m.group(1) or ".", page_url)}"{m.group(2)}', output
    )


def page_language(url: str) -> str:
    first = url.split("/", 1)[0]
    return first if first in LANGS and first != DEFAULT else DEFAULT


@event_priority(100)
def on_files(files, config):
    # Runs before static-i18n (-100) rewrites the file list, so it sees both languages.
    problems = missing_translations([f.src_uri for f in files if f.src_uri.endswith(".md")])
    if problems:
        raise PluginError("Missing translations:\n  " + "\n  ".join(problems))
    return files


def on_post_page(output, page, config):
    output = drop_head_alternates(output)
    output = relative_switcher_links(output, page.url)
    lang = page_language(page.url)
    if lang != DEFAULT:
        output = set_search_base(output, get_relative_url(f"{lang}/", page.url).rstrip("/") or ".")
    return output


@event_priority(-200)
def on_post_build(config):
    root = final_site_root(config)
    if root is None:
        return  # a nested per-language build of static-i18n; act once at the end
    for lang in LANGS:
        if lang != DEFAULT and (root / lang).is_dir():
            shutil.copyfile(root / "sitemap.xml", root / lang / "sitemap.xml")

"""MkDocs hook: render every formula at build time with KaTeX (no math JavaScript on pages).

Thin event layer over ``mathrender``: a page whose formula does not parse fails the build
with the page path and the formula; KaTeX's CSS (woff2 only) joins the site stylesheet and
its fonts are subset to the characters the site's formulas use, and the two fonts every
formula page draws with are preloaded.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import mathrender

STYLESHEET = "assets/stylesheets/extra.css"  # KaTeX's CSS is appended to it (one request)
_chars: set[str] = set()  # every character the formulas show, across both language builds


def on_page_content(html, page, config, files):
    content, count, errors = mathrender.render_html(html)
    if errors:
        details = "\n".join(f"  - {e.message}\n    formula: {e.tex}" for e in errors)
        raise PluginError(f"Invalid LaTeX in {page.file.src_uri} ({len(errors)} formula(s)):\n{details}")
    if count:
        _chars.update(mathrender.formula_chars(content))
    return content


def on_post_page(output, page, config):
    return mathrender.add_font_preloads(output) if "<katex-math" in output else output


@event_priority(-200)
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # static-i18n's nested build of another language: fonts once, at the end
    site = Path(config.site_dir)
    root = site if (site / "sitemap.xml").exists() else site.parent  # the languages share assets/
    mathrender.install_assets(root, _chars)
    mathrender.append_css(root / STYLESHEET)
    mathrender.renderer().save()


def on_build_error(error):
    mathrender.renderer().save()

"""MkDocs hook: render every formula at build time with KaTeX (no math JavaScript on pages).

Thin event layer over ``mathrender``: a page whose formula does not parse fails the build
with the page path and the formula; pages with math get the self-hosted KaTeX stylesheet.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

import mathrender

CSS_PATH = "assets/katex/katex.min.css"
_pages_with_math: set[str] = set()


def on_page_content(html, page, config, files):
    content, count, errors = mathrender.render_html(html)
    if errors:
        details = "\n".join(f"  - {e.message}\n    formula: {e.tex}" for e in errors)
        raise PluginError(f"Invalid LaTeX in {page.file.src_uri} ({len(errors)} formula(s)):\n{details}")
    if count:
        _pages_with_math.add(page.file.src_uri)
    return content


def on_post_page(output, page, config):
    if page.file.src_uri in _pages_with_math:
        href = get_relative_url(CSS_PATH, page.url)
        output = output.replace("</head>", f'<link rel="stylesheet" href="{href}">\n</head>', 1)
    return output


@event_priority(-50)
def on_post_build(config):
    mathrender.install_assets(config.site_dir)
    mathrender.renderer().save()


def on_build_error(error):
    mathrender.renderer().save()

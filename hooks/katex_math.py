"""MkDocs hook: render every formula at build time with KaTeX (no math JavaScript on pages).

Thin event layer over ``mathrender``: a page whose formula does not parse fails the build
with the page path and the formula; KaTeX's CSS (woff2 only) joins the site stylesheet and
its fonts are subset to the characters the site's formulas use, and the two fonts every
formula page draws with are preloaded.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from dlie import mathrender
from i18nbuild import final_site_root

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
    root = final_site_root(config)  # the languages share assets/
    if root is None:
        return  # static-i18n's nested build of another language: fonts once, at the end
    mathrender.install_assets(root, _chars)
    mathrender.append_css(root / STYLESHEET)
    mathrender.renderer().save()


def on_build_error(error):
    mathrender.renderer().save()

"""The layer calculator page (``docs/tools/calculator.<lang>.md``): its marker becomes the
calculator element, carrying the page language's strings (``docs/ui/<lang>.yml``, key
``calculator``) and the stack shown when the URL holds none, with its stylesheet and two scripts
(``layercalc.js``: the arithmetic, ``calculator.js``: the page), so that no other page loads them.
"""

from __future__ import annotations

from dlie import markup

# The stack a reader sees first: a small CIFAR-sized network with every kind of step in it.
DEFAULT_QUERY = "in=3x32x32&layers=conv16-k3-p1,max-k2,conv32-k3-s2-p1,dw64-k3-p1,gap,fc10"


def strings(b, lang: str) -> dict:
    """What calculator.js says, in one language (with the language's list separator)."""
    ui = b.ui[lang]
    return {**ui["calculator"], "sep": ui["sep"]}


def page_markdown(b, markdown: str, page) -> str:
    uri = page.file.src_uri
    if not uri.startswith(markup.CALCULATOR_SRC):
        return markdown
    from mkdocs.utils import get_relative_url

    lang = b.lang_of(page)
    urls = [get_relative_url(asset, page.url) for asset in markup.CALCULATOR_ASSETS]
    texts = strings(b, lang)
    widget = markup.calculator_widget(lang, DEFAULT_QUERY, texts, urls, texts["nojs"])
    return markup.fill_marker(markdown, markup.CALCULATOR_MARKER, widget, uri)

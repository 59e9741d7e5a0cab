"""dlie.katexcompact: which of KaTeX's script lists are drawn by one span, and what the span
holds (the browser test test_compacted_scripts_draw_as_katex_does checks the drawing itself)."""

from __future__ import annotations

import re

import pytest

from dlie import katexcompact, mathrender


@pytest.fixture(scope="module")
def render():
    return lambda tex, display=False: mathrender.renderer().render_many([(tex, display)])[0]


def visible(rendered: str) -> str:
    return rendered[rendered.index('<span class="katex-html"') :]


def test_parse_serializes_back_byte_for_byte(render):
    for tex in [r"x_i", r"\frac{a_1}{b^2}", r"\sqrt{x}", r"\left(\sum_{i=1}^n x_i^2\right)", r"\hat{y}_t"]:
        out = render(tex)
        assert "".join(c if isinstance(c, str) else c.html() for c in katexcompact.parse(out)) == out


@pytest.mark.parametrize(
    "tex, lone",
    [
        (r"x_i", 1),  # a subscript
        (r"W^\top", 1),  # a superscript
        (r"x_{l+1} = x_l + F(x_l)", 3),
        (r"e^{x_{i}}", 2),  # a script inside a script
        (r"\frac{a_1}{b^2}", 2),  # scripts inside a fraction (the fraction stays KaTeX's)
        (r"x_i^2", 0),  # two scripts on one base stay KaTeX's
        (r"\sum_{i=1}^n", 0),  # limits
        (r"\sqrt{x}", 0),
    ],
)
def test_lone_scripts_are_compacted_and_nothing_else(render, tex, lone):
    out = render(tex)
    compacted, n = katexcompact.compact(out)
    assert n == lone
    assert compacted.count('class="msupsub" style="position:relative') == lone
    assert compacted.count("msupsub") == out.count("msupsub")  # every script list is still there
    # the MathML copy that screen readers read is untouched
    assert compacted[: compacted.index('<span class="katex-html"')] == out[: out.index('<span class="katex-html"')]
    # the same characters in the same fonts and sizes, in the same order
    classes = re.compile(r'class="([^"]*(?:mathnormal|mtight|sizing|mord|mbin|mrel)[^"]*)"')
    text = re.compile(r">([^<\u200b]+)<")  # KaTeX's zero-width spacer cell goes with the list
    assert text.findall(visible(compacted)) == text.findall(visible(out))
    if lone:
        assert compacted.count("<span") < out.count("<span") - 4 * lone
        kept = [c for c in classes.findall(visible(out)) if not c.startswith("vlist")]
        assert [c for c in classes.findall(visible(compacted))] == kept


def test_the_shift_and_margins_are_katex_s(render):
    sub, _ = katexcompact.compact(render("x_i"))
    assert 'style="position:relative;top:0.15em;margin-right:0.05em;"' in sub  # 2.7 strut - 2.55 top
    sup, _ = katexcompact.compact(render("x^2"))
    assert re.search(r'style="position:relative;top:-0\.\d+em;margin-right:0.05em;"', sup)  # raised
    kern, _ = katexcompact.compact(render("W_i"))
    assert "margin-left:-0.1389em;" in kern  # KaTeX's kern under W's overhang


def test_display_formulas_and_formulas_without_scripts(render):
    display, n = katexcompact.compact(render(r"y = W_1 x", display=True))
    assert n == 1 and display.startswith('<span class="katex-display">')
    plain = render("a + b")
    assert katexcompact.compact(plain) == (plain, 0)


def test_unbalanced_markup_is_refused():
    with pytest.raises(ValueError, match="unbalanced"):
        katexcompact.parse("<span><b></span>")
    with pytest.raises(ValueError, match="unclosed"):
        katexcompact.parse("<span>")


def test_the_build_ships_compacted_formulas():
    html, count, errors = mathrender.render_html('<p><span class="arithmatex">\\(x_{ij} + y^{2}_{k}\\)</span></p>')
    assert (count, errors) == (1, [])
    assert html.count('class="msupsub" style="position:relative') == 1  # x_{ij}; y^2_k keeps KaTeX's list

"""Build-time KaTeX: formulas rendered, nothing raw left, bad LaTeX fails the build."""

from __future__ import annotations

import re

import lxml.html
import pytest

from conftest import build
from dlie import fontcascade, mathrender


def test_find_formulas_inline_and_display():
    html = '<p>a <span class="arithmatex">\\(x &lt; y\\)</span></p><div class="arithmatex">\\[\\frac{1}{2}\\]</div>'
    fs = mathrender.find_formulas(html)
    assert [(f.tex, f.display) for f in fs] == [("x < y", False), ("\\frac{1}{2}", True)]


def test_render_html_replaces_formulas_and_reports_errors():
    html = '<p><span class="arithmatex">\\(a^2\\)</span> <span class="arithmatex">\\(\\frac{1}{\\)</span></p>'
    out, n, errors = mathrender.render_html(html)
    assert n == 2
    assert 'class="katex"' in out and "<math" in out  # HTML + MathML for screen readers
    assert len(errors) == 1 and errors[0].tex == "\\frac{1}{"


# (TeX, shipped as its MathML alone?): short formulas of tokens whose MathML, in KaTeX's fonts and
# with KaTeX's spacing, draws as KaTeX's HTML does; every other formula keeps HTML + MathML.
MATHML_ONLY_CASES = [
    ("s>1", True),
    ("k\\times k", True),  # italic corrections carried over as margins
    ("x=-1", True),  # a unary minus: no space around it, written out (a dictionary would add one)
    ("p=(k-1)/2", True),
    ("\\text{same}", True),
    ("\\Sigma", True),  # an upright capital Greek letter (mathvariant="normal", KaTeX_Main)
    ("k^2", False),  # a script
    ("\\frac{1}{2}", False),
    ("\\sqrt{d}", False),
    ("\\log n", False),  # an operator name: an invisible operator KaTeX does not draw
    ("\\mathbf{W}", False),  # a bold identifier: another font
    ("\\lfloor (n+2p-k)/s \\rfloor + 1", False),  # long: keeps KaTeX's line breaks
    ("x\\,y", False),  # KaTeX's MathML for \, is a text space, not an <mspace>
]


def test_mathml_only_takes_short_token_formulas_with_katex_fonts_and_spacing():
    texs = [tex for tex, _ in MATHML_ONLY_CASES]
    rendered = dict(zip(texs, mathrender.renderer().render_many([(t, False) for t in texs]), strict=True))
    for tex, expected in MATHML_ONLY_CASES:
        out = mathrender.mathml_only(rendered[tex])
        assert bool(out) == expected, tex
        if out:
            assert out.startswith("<math") and out.count("<math") == 1 and "katex" not in out, tex
            assert '<annotation encoding="application/x-tex">' in out, tex  # the TeX source stays
            assert out.count("<mo ") == out.count(' lspace="') == out.count(' rspace="'), tex
    ours = {tex: mathrender.mathml_only(rendered[tex]) for tex in ("s>1", "x=-1", "k\\times k")}
    assert '<mo stretchy="false" lspace="0.2778em" rspace="0.2778em">&gt;</mo>' in ours["s>1"]
    assert '<mo stretchy="false" lspace="0em" rspace="0em">−</mo>' in ours["x=-1"]  # no dictionary spacing
    assert '<mi style="margin-right:0.0315em">k</mi>' in ours["k\\times k"]
    # a display formula is never shipped without KaTeX's HTML
    both = '<div class="arithmatex">\\[s>1\\]</div><p><span class="arithmatex">\\(s>1\\)</span></p>'
    out, _, _ = mathrender.render_html(both)
    assert out.count('class="katex"') == 1 and '<katex-math class="math-inline"><math' in out


def test_mathml_only_refuses_what_it_cannot_prove_planted():
    """Planted faults in KaTeX's output: each makes the MathML draw differently from KaTeX's HTML,
    and each is refused."""
    [s] = mathrender.renderer().render_many([("s>1", False)])
    [xy] = mathrender.renderer().render_many([("xy", False)])
    assert mathrender.mathml_only(s) and mathrender.mathml_only(xy)
    bold = s.replace('class="mord mathnormal"', 'class="mord mathbf"')  # another font
    other_char = s.replace("<mn>1</mn>", "<mn>2</mn>")  # MathML and drawing disagree
    gap = xy.replace(
        '<span class="mord mathnormal">x</span>',
        '<span class="mord mathnormal">x</span><span class="mspace" style="margin-right:0.1667em;"></span>',
    )  # a space between two letters that no operator or <mspace> gives
    script = s.replace("<mn>1</mn>", "<msup><mn>1</mn><mn>2</mn></msup>")
    for fault in (bold, other_char, gap, script):
        assert fault != s and fault != xy
        assert mathrender.mathml_only(fault) is None


def test_mathml_only_formulas_count_for_fonts_and_preloads():
    html, _, _ = mathrender.render_html('<p><span class="arithmatex">\\(s>1\\)</span></p>')
    assert '<katex-math class="math-inline"><math' in html
    fonts = mathrender.chars_by_font(html)
    assert "s" in fonts["KaTeX_Math-Italic"] and {">", "1"} <= fonts["KaTeX_Main-Regular"]
    assert {"s", ">", "1"} <= mathrender.formula_chars(html)
    assert mathrender.fonts_to_preload(html) == ["KaTeX_Math-Italic", "KaTeX_Main-Regular"]
    numbers, _, _ = mathrender.render_html('<p><span class="arithmatex">\\(3\\times3\\)</span></p>')
    assert mathrender.fonts_to_preload(numbers) == ["KaTeX_Main-Regular"]


def test_renderer_batches_and_caches(tmp_path):
    r = mathrender.KatexRenderer(cache_dir=tmp_path)
    first = r.render_many([("x_1", False), ("x_2", True), ("\\alpha", False)])
    assert r.rendered == 3 and r.processes_started == 1
    again = r.render_many([("x_1", False), ("x_2", True)])
    assert r.rendered == 3, "cached formulas must not be rendered again"
    assert again == first[:2]
    r.close()
    r2 = mathrender.KatexRenderer(cache_dir=tmp_path)  # disk cache survives (mkdocs serve rebuilds)
    r2.render_many([("x_1", False)])
    assert r2.rendered == 0 and r2.processes_started == 0
    r2.close()


# For each KaTeX option: a value other than ours, and a formula whose rendering shows the difference.
FLIPS = {
    "output": ("html", "x", lambda html: "<math" not in html),
    "throwOnError": (False, "\\frac{1}{", lambda html: "katex-error" in html),
    "strict": ("ignore", "损失 = 1", lambda html: "损" in html),
    "trust": (True, "\\href{https://example.org/}{a}", lambda html: "<a href" in html),
}


@pytest.mark.parametrize("option", sorted(mathrender.OPTIONS))
def test_every_render_option_is_in_the_cache_key_and_changes_the_output(tmp_path, option):
    """Flip one render option with a warm cache: the output follows the option (no stale
    rendering), and reverting reads the first rendering back. A new option in OPTIONS without
    a probe here fails this test."""
    assert option in FLIPS, f"add a probe for KaTeX option {option!r}"
    value, tex, shows = FLIPS[option]
    ours = mathrender.KatexRenderer(cache_dir=tmp_path)
    [before] = ours.render_many([(tex, False)])
    ours.close()
    flipped = mathrender.KatexRenderer(cache_dir=tmp_path, options={**mathrender.OPTIONS, option: value})
    assert flipped.cache_path != ours.cache_path
    [after] = flipped.render_many([(tex, False)])
    flipped.close()
    assert isinstance(after, str) and shows(after), after
    assert not (isinstance(before, str) and shows(before))
    back = mathrender.KatexRenderer(cache_dir=tmp_path)
    [again] = back.render_many([(tex, False)])
    back.close()
    assert back.rendered == (0 if isinstance(before, str) else 1) and type(again) is type(before)


def test_chinese_outside_text_is_an_error():
    [res] = mathrender.renderer().render_many([("损失 = 1", False)])
    assert isinstance(res, mathrender.MathError)
    [ok] = mathrender.renderer().render_many([("\\text{损失} = 1", False)])
    assert isinstance(ok, str)


def test_css_keeps_only_woff2_sources():
    css = (mathrender.KATEX_DIR / "dist" / "katex.min.css").read_text()
    slim = mathrender.woff2_only_css(css)
    assert ".woff)" not in slim and ".ttf)" not in slim
    assert slim.count(".woff2)") == css.count(".woff2)") > 10


def test_no_raw_tex_left_and_formulas_rendered(site):
    pages_with_math = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'class="arithmatex"' not in html, f"{page}: unrendered formula"
        d = lxml.html.fromstring(html)
        for bad in d.xpath('//*[contains(@class,"katex-error")]'):
            pytest.fail(f"{page}: KaTeX error element {bad.text_content()[:80]}")
        article = d.xpath("//article")
        if not article:
            continue
        # visible text outside code and rendered math holds no TeX
        # (a formula shipped as MathML alone keeps its TeX in an <annotation>, never drawn)
        for el in article[0].xpath('.//pre | .//code | .//*[contains(@class,"katex-mathml")] | .//annotation'):
            el.drop_tree()
        text = article[0].text_content()
        assert not re.search(r"\\(frac|sum|mathbf|left|right|partial)\b|\$\$|\\\(|\\\[", text), (
            f"{page}: raw TeX on screen"
        )
        if d.xpath('//*[contains(@class,"katex")]'):
            pages_with_math += 1
            assert d.xpath('//link[contains(@href,"assets/stylesheets/extra.css")]'), f"{page}: no stylesheet"
        assert not d.xpath('//script[contains(@src,"katex")]'), f"{page}: ships math JavaScript"
    assert pages_with_math >= 2
    assert list((site / "assets" / "katex" / "fonts").glob("*.woff2"))
    assert not list((site / "assets" / "katex" / "fonts").glob("*.ttf"))
    css = (site / "assets" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    assert ".katex" in css and "url(../katex/fonts/KaTeX_Main-Regular.woff2)" in css  # one stylesheet
    # fonts are subset to the glyphs the formulas use: much smaller than KaTeX's originals
    full = (mathrender.KATEX_DIR / "dist" / "fonts" / "KaTeX_Main-Regular.woff2").stat().st_size
    assert (site / "assets" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").stat().st_size < full * 0.8


def test_search_index_has_no_katex_markup(site):
    for index in (site / "search" / "search_index.json", site / "en" / "search" / "search_index.json"):
        text = index.read_text(encoding="utf-8")
        assert "katex" not in text and "mathml" not in text.lower() and "\\frac" not in text


def test_invalid_formula_fails_build_naming_page_and_formula(make_project):
    proj = make_project()
    page = proj / "docs" / "questions" / "01-test.en.md"
    page.write_text(page.read_text() + "\nBroken: $\\frac{1}{$ here.\n")
    r = build(proj)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "questions/01-test.en.md" in out
    assert "\\frac{1}{" in out
    assert not (proj / "site" / "en" / "questions" / "01-test" / "index.html").exists()


def test_formula_chars_and_font_subsetting():
    from fontTools.ttLib import TTFont

    html, _, _ = mathrender.render_html('<p><span class="arithmatex">\\(\\alpha+\\beta \\le 2\\)</span></p>')
    chars = mathrender.formula_chars(html)
    assert {"α", "β", "≤", "2", "+"} <= chars and "<" not in chars
    src = mathrender.KATEX_DIR / "dist" / "fonts" / "KaTeX_Main-Regular.woff2"
    data = mathrender.subset_font(src, chars)
    assert len(data) < src.stat().st_size / 3
    import io

    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    assert ord("≤") in cmap and ord("Z") not in cmap


def test_font_preloads_follow_the_page_stylesheet_and_the_fonts_it_draws():
    head = '<head><link rel="stylesheet" href="../../assets/stylesheets/extra.css"></head>'
    variables, _, _ = mathrender.render_html('<p><span class="arithmatex">\\(x\\)</span></p>')
    digits, _, _ = mathrender.render_html('<p><span class="arithmatex">\\(12+3\\)</span></p>')
    out = mathrender.add_font_preloads(head + variables + digits)
    links = re.findall(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>', out)
    assert links == [
        "../../assets/katex/fonts/KaTeX_Math-Italic.woff2",
        "../../assets/katex/fonts/KaTeX_Main-Regular.woff2",
    ]
    assert out.index("preload") < out.index("stylesheet")  # requested before the stylesheet
    assert mathrender.fonts_to_preload(head + variables) == ["KaTeX_Math-Italic"]
    assert mathrender.add_font_preloads(head + "<p>no formula</p>") == head + "<p>no formula</p>"


def render_inline_and_display(tex: str) -> tuple[str, str]:
    inline, _, _ = mathrender.render_html(f'<p><span class="arithmatex">\\({tex}\\)</span></p>')
    display, _, _ = mathrender.render_html(f'<div class="arithmatex">\\[{tex}\\]</div>')
    return inline, display


@pytest.mark.parametrize(
    "tex, inline, display",
    [
        # a sum is KaTeX_Size1 in the text and KaTeX_Size2 displayed; no KaTeX_Main text in it
        ("\\sum_j x_j", ["Math-Italic", "Size1-Regular"], ["Math-Italic", "Main-Regular", "Size2-Regular"]),
        ("\\mathbf{W}x", ["Math-Italic", "Main-Bold"], ["Math-Italic", "Main-Bold"]),
        # bold from .boldsymbol, family and italic from the inner .mathnormal
        ("\\boldsymbol{\\theta}", ["Math-BoldItalic"], ["Math-BoldItalic"]),
        ("\\mathcal{L}", ["Caligraphic-Regular"], ["Caligraphic-Regular"]),
        ("\\mathbb{R}^n", ["Math-Italic", "AMS-Regular"], ["Math-Italic", "AMS-Regular"]),
        # .delimsizing.size1/.size2 choose the delimiters' font; a script's .katex-sizing.size1 does not
        ("\\left(\\frac{a}{b}\\right)", ["Math-Italic", "Main-Regular", "Size1-Regular"], None),
        ("\\left(\\frac{a}{b}\\right)", None, ["Math-Italic", "Main-Regular", "Size2-Regular"]),
        ("x^{y^z}", ["Math-Italic"], ["Math-Italic"]),
        # a tall brace is built from KaTeX_Size4 pieces (.delimsizing.mult .delim-size4 > span)
        (
            "\\left\\{\\begin{matrix}a\\\\b\\\\c\\\\d\\end{matrix}\\right.",
            ["Math-Italic", "Main-Regular", "Size4-Regular"],
            None,
        ),
        ("\\text{ReLU}(x)", ["Math-Italic", "Main-Regular"], ["Math-Italic", "Main-Regular"]),
    ],
)
def test_preloaded_fonts_follow_katexs_css_cascade(tex, inline, display):
    """Each text of a formula is resolved through KaTeX's stylesheet as the browser does; the
    fonts a browser draws each page of the site with are compared in tests/test_browser.py."""
    got = [[f.removeprefix("KaTeX_") for f in mathrender.fonts_to_preload(h)] for h in render_inline_and_display(tex)]
    for want, have in zip((inline, display), got, strict=True):
        if want is not None:
            assert have == want, tex


def test_the_cascade_takes_the_most_specific_rule_then_the_parent():
    css = (
        "@font-face{font-family:KaTeX_Main;font-style:normal;font-weight:400;src:url(fonts/KaTeX_Main-Regular.woff2)}"
        "@font-face{font-family:KaTeX_Main;font-style:normal;font-weight:700;src:url(fonts/KaTeX_Main-Bold.woff2)}"
        "@font-face{font-family:KaTeX_Math;font-style:italic;font-weight:400;src:url(fonts/KaTeX_Math-Italic.woff2)}"
        "@font-face{font-family:KaTeX_Size1;font-style:normal;font-weight:400;src:url(fonts/KaTeX_Size1-Regular.woff2)}"
        ".katex .b{font-weight:700}.katex .m{font-family:KaTeX_Math;font-style:italic}"
        ".katex .d.s1{font-family:KaTeX_Size1}.katex .s1{font-family:KaTeX_Math}"
        ".katex .d.mult .p>span{font-family:KaTeX_Size1}.katex .up{font-style:normal}"
    )
    rules, faces = fontcascade.parse_rules(css), fontcascade.parse_faces(css)
    assert faces["Main"] == {("normal", "normal"): "KaTeX_Main-Regular", ("bold", "normal"): "KaTeX_Main-Bold"}

    def names(markup):
        return sorted(fontcascade.face_names(fontcascade.fonts_of(markup, rules), faces))

    assert names("<span>1</span>") == ["KaTeX_Main-Regular"]
    assert names('<span class="b"><span class="m">x</span></span>') == ["KaTeX_Math-Italic"]  # Math has no bold
    assert names('<span class="b">1<span class="m">x</span></span>') == ["KaTeX_Main-Bold", "KaTeX_Math-Italic"]
    # .d.s1 (two classes) beats .s1 (one) on the same element, whatever their order
    assert names('<span class="d s1">(</span>') == ["KaTeX_Size1-Regular"]
    assert names('<span class="s1">(</span>') == ["KaTeX_Math-Italic"]
    # the child rule needs its ancestors and its element name
    assert names('<span class="d mult"><span class="p"><span>|</span></span></span>') == ["KaTeX_Size1-Regular"]
    assert names('<span class="d mult"><span class="p">|</span></span>') == ["KaTeX_Main-Regular"]
    # a normal style asked of an italic-only family falls back to its italic face
    assert names('<span class="m"><span class="up">x</span></span>') == ["KaTeX_Math-Italic"]
    assert names('<span class="m"> </span>') == []  # blank text draws nothing


def test_fonts_inside_closed_follow_up_questions_are_not_preloaded():
    sums, _, _ = mathrender.render_html('<p><span class="arithmatex">\\(\\sum_j\\)</span></p>')
    x, _, _ = mathrender.render_html('<p><span class="arithmatex">\\(x\\)</span></p>')
    closed = f"<details><summary>Why?</summary>{sums}</details>"
    assert mathrender.fonts_to_preload(x + closed) == ["KaTeX_Math-Italic"]
    assert "KaTeX_Size1-Regular" in mathrender.fonts_to_preload(x + closed.replace("<details>", "<details open>"))
    assert "KaTeX_Size1-Regular" in mathrender.fonts_to_preload(f"<details><summary>{sums}</summary>y</details>")
    nested = f'<details class="question"><summary>a</summary><details open>{sums}</details></details>{x}'
    assert mathrender.fonts_to_preload(nested) == ["KaTeX_Math-Italic"]
    assert mathrender.without_closed_details("a<details><summary>s</summary>b</details>c") == (
        "a<details><summary>s</summary></details>c"
    )


def test_question_pages_preload_existing_fonts(site):
    for page in ("questions/05-relu/index.html", "en/questions/06-stride-padding/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        hrefs = re.findall(r'<link rel="preload" href="([^"]+)" as="font"', html)
        assert len(hrefs) > 2, page
        for href in hrefs:
            assert ((site / page).parent / href).resolve().is_file(), href
    assert 'rel="preload"' not in (site / "study/index.html").read_text(encoding="utf-8")

"""Formulas as plain text, and no raw TeX anywhere a reader meets the site (issue #17): the table
of contents, navigation, <title>, meta description, search index titles and texts, the printable
edition, concept index and study pages."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import build
from dlie import mathtext

PLAIN = [
    (r"\sqrt{d_k}", "sqrt(d_k)"),
    (r"p - y", "p - y"),
    (r"\frac{QK^\top}{\sqrt{d_k}}", "QKᵀ/sqrt(d_k)"),
    (r"\mathrm{softmax}\Big(\frac{QK^{\top}}{\sqrt{d_k}}\Big)V", "softmax(QKᵀ/sqrt(d_k))V"),
    (r"\hat x_{i,c}=\frac{x_{i,c}-\mu_c}{\sqrt{\sigma_c^2+\epsilon}}", "x̂_(i,c)=(x_(i,c)-μ_c)/sqrt(σ_c²+ε)"),
    (r"\frac{1}{1+e^{-x}}", "1/(1+e^(-x))"),
    (r"10^{-5}", "10⁻⁵"),
    (r"W^{(l)\top}", "W^(l)ᵀ"),
    (r"C_{in}\times1\times k\times k", "C_in×1×k×k"),  # the space ending \times is TeX's, not the text's
    (r"H_{out}W_{out}C_{in}k^2", "H_out W_out C_in k²"),  # a long subscript keeps apart from what follows
    (r"-\pi\ln\pi", "-π ln π"),
    (r"\operatorname{ReLU}(x)=\max(0,x)", "ReLU(x)=max(0,x)"),
    (r"\lVert w\rVert_2^2", "‖w‖_2²"),
    (r"\begin{bmatrix}-1&0&1\\-2&0&2\end{bmatrix}", "[-1, 0, 1; -2, 0, 2]"),
    (r"\begin{cases} x & x>0 \\ 0 & \text{otherwise}\end{cases}", "x, x>0; 0, otherwise"),
    (r"\underbrace{\mathrm{Var}(x)}_{\text{variance}}", "Var(x) (variance)"),
    (r"\binom{n}{k}", "C(n, k)"),
    (r"\frac{\text{深度可分离参数量}}{\text{标准卷积参数量}}", "深度可分离参数量/标准卷积参数量"),
    (r"\mathbb{R}^{d}", "ℝ^d"),
    (r"\unknowncommand{x}", "unknowncommandx"),  # never a backslash, whatever the command
]


@pytest.mark.parametrize("tex, text", PLAIN, ids=[t for t, _ in PLAIN])
def test_plain_text_of_formulas(tex, text):
    assert mathtext.plain(tex) == text


def test_untex_replaces_every_delimited_formula():
    assert mathtext.untex(r"为什么除以 \(\sqrt{d_k}\)") == "为什么除以 sqrt(d_k)"
    assert mathtext.untex(r"Cross-entropy and the gradient \(p - y\)") == "Cross-entropy and the gradient p - y"
    assert mathtext.untex(r"a $x^2$ b \[\frac12\] c $$y$$") == "a x² b 1/2 c y"
    assert mathtext.untex("costs $5 and $10") == "costs $5 and $10"  # prices are not formulas
    assert not mathtext.has_tex("plain title") and mathtext.has_tex(r"t \(x\)")


def test_raw_tex_finder_sees_what_readers_see_and_nothing_else():
    assert mathtext.raw_tex(r'<span class="md-ellipsis">Why divide by \(\sqrt{d_k}\)</span>')
    assert mathtext.raw_tex(r'<nav aria-label="Gradient \(p - y\)"></nav>')  # an attribute reaches readers too
    assert mathtext.raw_tex(r"<title>Sum $$x$$</title>")
    assert mathtext.raw_tex(r"text with \frac{a}{b} in it")
    # KaTeX keeps the source in MathML's annotation; code may hold backslashes; scripts are data
    assert not mathtext.raw_tex(r'<annotation encoding="application/x-tex">\sqrt{d_k}</annotation>')
    assert not mathtext.raw_tex(r"<code>re.compile(r'\(\d+\)')</code><pre>\frac</pre>")
    assert not mathtext.raw_tex(r'<script id="__config">{"x": "\\frac"}</script>')
    assert not mathtext.raw_tex("sqrt(d_k), σ_c², 3×3, C:/path")


def test_every_formula_of_the_site_has_a_plain_form_without_tex(site):
    """All formulas the site renders (their TeX from KaTeX's MathML): none is lost, none keeps a
    backslash or a brace of TeX."""
    texs = set()
    for page in site.rglob("index.html"):
        for m in re.finditer(r'<annotation encoding="application/x-tex">(.*?)</annotation>', page.read_text("utf-8")):
            texs.add(html.unescape(m.group(1)).strip())
    assert len(texs) > 500
    bad = [(t, mathtext.plain(t)) for t in texs if not mathtext.plain(t) or re.search(r"\\[A-Za-z]", mathtext.plain(t))]
    bad += [(t, p) for t in texs if "{" in (p := mathtext.plain(t)) and "\\{" not in t]
    assert not bad, bad[:10]


class _Toc(SimpleNamespace):
    pass


def test_plain_titles_gives_the_toc_rendered_math_and_plain_text():
    child = _Toc(title=r"Why divide by \(\sqrt{d_k}\)", id="why", children=[])
    plain = _Toc(title="Multi-head", id="multi", children=[])
    top = _Toc(title=r"Gradient \(p - y\) &amp; more", id="grad", children=[child, plain])
    page = SimpleNamespace(meta={"title": r"Title $x^2$"}, toc=[top], _title_from_render=None)
    content = (
        '<h2 id="grad">Gradient <katex-math class="math-inline">P</katex-math> &amp; more'
        '<a class="headerlink" href="#grad">¶</a></h2><h3 id="why">Why divide by '
        '<katex-math class="math-inline">S</katex-math><a class="headerlink" href="#why">¶</a></h3>'
    )
    mathtext.plain_titles(page, content)
    assert page.meta["title"] == "Title x²"
    assert top.title == "Gradient p - y &amp; more" and child.title == "Why divide by sqrt(d_k)"
    assert top.typeset == {"title": 'Gradient <katex-math class="math-inline">P</katex-math> &amp; more'}
    assert child.typeset["title"].endswith('<katex-math class="math-inline">S</katex-math>')
    assert not hasattr(plain, "typeset")  # headings without formulas keep Material's plain entry


# ---- the whole built site ------------------------------------------------------------------
def raw_tex_in_site(site: Path) -> list[str]:
    """Raw TeX in any built HTML file (text and attributes: TOC, navigation, <title>, meta
    description, print edition, concept and study pages) or any search index (titles, texts)."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        problems += [f"{page.relative_to(site)}: {hit}" for hit in mathtext.raw_tex(page.read_text(encoding="utf-8"))]
    for index in sorted(site.rglob("search_index.json")):
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            for field in ("title", "text"):
                problems += [
                    f"{index.relative_to(site)} {doc['location']} {field}: {hit}"
                    for hit in mathtext.raw_tex(doc[field])
                ]
    return problems


def test_no_raw_tex_anywhere_in_the_built_site(site):
    assert not raw_tex_in_site(site)
    # the headings with formulas (questions 10 and 13) show them rendered in the TOC
    for prefix in ("", "en/"):
        page = (site / prefix / "questions" / "13-attention" / "index.html").read_text(encoding="utf-8")
        toc = page[page.index('<nav class="md-nav md-nav--secondary"') :]
        assert re.search(r'<span class="md-typeset">\s*[^<]*<katex-math class="math-inline">', toc), prefix


def test_the_site_scan_finds_planted_raw_tex(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<html><head><title>T</title></head><body><nav class="md-nav"><span class="md-ellipsis">'
        r"为什么除以 \(\sqrt{d_k}\)</span></nav></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "search").mkdir()
    index = {"docs": [{"location": "a/#x", "title": r"Gradient \(p - y\)", "text": "<p>fine</p>"}]}
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    found = raw_tex_in_site(tmp_path)
    assert len(found) == 2 and found[0].startswith("a/index.html") and "a/#x title" in found[1]


@pytest.mark.slow
def test_planted_formula_headings_reach_readers_rendered_or_as_plain_text(make_project):
    """A heading with formulas in a question (both languages) and a page whose title is an h1
    with a formula: the build shows no raw TeX anywhere; the TOC shows the rendered formulas,
    the <title>, navigation and search index their plain form."""
    project = make_project()
    docs = project / "docs"
    headings = {
        "zh": r"### 梯度 $p - y$ 与缩放 $\sqrt{d_k}$",
        "en": r"### The gradient $p - y$ and the scale $\sqrt{d_k}$",
    }
    for lang, heading in headings.items():
        page = docs / "questions" / f"01-test.{lang}.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{heading}\n\nText {lang}.\n", encoding="utf-8")
        (docs / f"formula.{lang}.md").write_text(
            "# Softmax $\\frac{e^{z_i}}{\\sum_j e^{z_j}}$ page\n\nBody.\n", encoding="utf-8"
        )
    r = build(project)
    assert r.returncode == 0, r.stdout + r.stderr
    site = project / "site"
    assert not raw_tex_in_site(site)
    for prefix, lang in (("", "zh"), ("en/", "en")):
        page = (site / prefix / "questions" / "01-test" / "index.html").read_text(encoding="utf-8")
        toc = page[page.index('<nav class="md-nav md-nav--secondary"') :]
        assert toc.count('<katex-math class="math-inline">') >= 2, f"{lang}: TOC without the rendered formulas"
        formula = (site / prefix / "formula" / "index.html").read_text(encoding="utf-8")
        assert "<title>Softmax e^(z_i)/(∑_j e^(z_j)) page" in formula
        assert "Softmax e^(z_i)/(∑_j e^(z_j)) page" in page  # its navigation entry on another page
        index = json.loads((site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        titles = [d["title"].replace("\u200b", "") for d in index["docs"]]
        assert headings[lang][4:].replace("$", "").replace(r"\sqrt{d_k}", "sqrt(d_k)") in titles, titles

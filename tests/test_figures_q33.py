"""Figures of question 33 (feature-interaction models): each renders in both languages with only
its own language's text, fits a phone and stays small; it is placed once in the detailed section
of both pages with alt-text numbers the figure shows; the FM-identity figure draws the page's own
example (the runnable block is run and compared) and the numbers read back from its SVG satisfy
FM's identity, computed here independently by the O(kn²) pairwise sum. Each checker is shown to
fail on a planted fault."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q33, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, PHONE_PX, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q33/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"33-*.{lang}.md")
    return path


@functools.cache
def page_code(lang: str = "en") -> dict:
    (block,) = codeblocks.runnable_blocks(page(lang))
    return codeblocks.definitions(block)


def fact_texts(svg_text: str, fact: str) -> list[str]:
    return [t for g in re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>', svg_text, re.S) for t in svg_texts(g)]


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text.replace("−", "-"))]


def test_two_figures():
    assert KEYS == ["q33/fm-identity", "q33/lineage"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_renders_in_its_language_fits_a_phone_and_is_small(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert untranslated(texts, lang, keep_words(key)) == [], key
    assert fig.min_font >= MIN_FONT
    assert fig.width * 11 / fig.min_font <= PHONE_PX
    assert len(fig.svg.encode()) < MAX_SVG_BYTES


def shown(key: str, lang: str) -> set[str]:
    return {x for t in svg_texts(built(key, lang).svg) for x in DECIMAL_RE.findall(t)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section_with_shown_numbers(key, lang):
    assert placement_problems(page(lang).read_text(encoding="utf-8"), key, lang, shown(key, lang)) == []


def test_a_figure_moved_into_the_code_section_is_caught():
    """Planted fault: the lineage figure sits under ## Code instead of ## In depth."""
    key = "q33/lineage"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    moved = text.replace(line + "\n", "").replace("## Code\n", f"## Code\n\n{line}\n")
    assert placement_problems(moved, key, "en", shown(key, "en")) == [f"{key}: outside the ## In depth section"]


# ---- the FM identity figure draws the page's example -----------------------------------------------
def test_figure_example_is_the_page_example():
    code = page_code()
    x, V = q33.page_example()
    assert np.array_equal(x, code["x"][code["idx"]]) and np.array_equal(V, code["V"][code["idx"]])
    assert np.isclose(q33.fm_pairs_fast(x, V), code["fm_pairs_fast"](code["x"], code["V"]))
    # the Chinese page runs the same code
    zh = page_code("zh")
    assert np.isclose(zh["logit"], code["logit"])


def naive_pairs(x, V) -> float:
    """FM's pair term by the O(kn²) definition, independent of the figure module."""
    return sum(float(V[i] @ V[j]) * x[i] * x[j] for i in range(len(x)) for j in range(i + 1, len(x)))


def identity_problems(svg_text: str, x, V) -> list[str]:
    """What the FM-identity figure gets wrong: its 36 cells must be ⟨vᵢ, vⱼ⟩xᵢxⱼ of the example
    (to 2 decimals), its three totals the full sum, the diagonal and the pair term, with the pair
    term equal to the sum of the cells above the diagonal."""
    problems = []
    cells = np.array([float(t.replace("−", "-")) for t in fact_texts(svg_text, "fact-pair")])
    expected = np.array([[float(V[i] @ V[j]) * x[i] * x[j] for j in range(len(x))] for i in range(len(x))])
    if cells.shape != (expected.size,) or not np.allclose(cells, expected.ravel(), atol=0.006):
        problems.append("cells")
    (total,) = numbers(fact_texts(svg_text, "fact-all")[0])[-1:]
    (diag,) = numbers(fact_texts(svg_text, "fact-diag")[0])[-1:]
    half = numbers(fact_texts(svg_text, "fact-half")[0])
    half = [h for h in half if h not in (2.0,)]
    if abs(total - float(np.sum(expected))) > 0.006:
        problems.append("total")
    if abs(diag - float(np.trace(expected))) > 0.006:
        problems.append("diagonal")
    if not half or abs(half[0] - naive_pairs(x, V)) > 0.006:
        problems.append("pair term")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_fm_identity_figure_shows_the_identity(lang):
    x, V = q33.page_example()
    assert identity_problems(render("q33/fm-identity", lang).svg, x, V) == []


def test_a_wrong_pair_term_is_caught(monkeypatch):
    """Planted fault: the figure's O(kn) formula forgets to subtract the diagonal."""
    monkeypatch.setattr(q33, "fm_pairs_fast", lambda x, V: float(0.5 * (V.T @ x) @ (V.T @ x)))
    x, V = q33.page_example()
    assert identity_problems(render("q33/fm-identity", "en").svg, x, V) == ["pair term"]


def test_lineage_lists_the_page_models_in_order():
    svg_text = render("q33/lineage", "en").svg
    texts = svg_texts(svg_text)
    names = [name for name, *_ in q33.LINEAGE]
    positions = [texts.index(n) for n in names]
    assert positions == sorted(positions)
    assert names == ["LR", "FM", "Wide & Deep", "DeepFM", "DCN / DCN-V2", "AutoInt"]
    body = page("en").read_text(encoding="utf-8").split("## In depth")[1].split("## Code")[0]
    headings = [h for h in re.findall(r"^### (.+)$", body, re.M)]
    order = [next(i for i, h in enumerate(headings) if n.split(" /")[0] in h) for n in names[1:]]
    assert order == sorted(order)
    assert len(fact_texts(svg_text, "fact-how")) == len(names)

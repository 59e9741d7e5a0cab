"""Figures of question 34 (user behavior sequences): each renders in both languages with only its
own language's text, fits a phone and stays small; it is placed once in the detailed section of
both pages with alt-text numbers the figure shows; the figures draw the page's own simulated
history (the runnable block is run and compared), and the SIM numbers read back from the SVG
agree with values computed here from the page's functions. Each checker is shown to fail on a
planted fault."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q34, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, PHONE_PX, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q34/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"34-*.{lang}.md")
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
    assert KEYS == ["q34/intensity", "q34/sim-search"]


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


def test_a_wrong_alt_number_is_caught():
    key = "q34/sim-search"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    faulty = text.replace(line, line.replace("0.024", "0.042"))
    want = [f"{key}: alt text states ['0.042'], not in the figure"]
    assert placement_problems(faulty, key, "en", shown(key, "en")) == want


# ---- the figures draw the page's history ----------------------------------------------------------
def test_figure_history_is_the_page_history():
    code = page_code()
    cat, E, v = q34.page_example()
    assert np.array_equal(cat, code["cat"]) and np.array_equal(E, code["E"]) and np.array_equal(v, code["v"])
    assert code["c"] == q34.CANDIDATE_CAT and code["L"] == q34.LENGTH
    assert np.allclose(q34.din_weights(E, v), code["din_weights"](E, v))
    assert np.allclose(q34.softmax_pool(E, v), code["softmax_pool"](E, v))
    assert np.array_equal(page_code("zh")["E"], E)


def test_intensity_curves_match_the_page_numbers():
    code = page_code()
    ms, n_din, n_soft = q34.intensity_curves((4, 16))
    assert np.allclose(n_din, code["n_din"]) and np.allclose(n_soft, code["n_soft"])
    ms, n_din, n_soft = q34.intensity_curves()
    assert all(b > a for a, b in zip(n_din, n_din[1:], strict=False))  # DIN grows with every step of m
    assert max(n_soft) / min(n_soft) < 1.5  # the softmax curve stays nearly flat
    svg_text = render("q34/intensity", "en").svg
    assert 'class="fact-din"' in svg_text and 'class="fact-softmax"' in svg_text


def sim_problems(svg_text: str, cat, E, v, c: int, din_weights) -> list[str]:
    """What the SIM figure gets wrong: it must keep the behaviors of the candidate's category (their
    count and share of the history), state the share of the total attention weight they carry and
    the relative error of the interest vector, computed here with the page's weight function."""
    rel = np.flatnonzero(cat == c)
    w = din_weights(E, v)
    full = w @ E
    error = np.linalg.norm(w[rel] @ E[rel] - full) / np.linalg.norm(full)
    problems = []
    gsu = numbers(fact_texts(svg_text, "fact-gsu")[0])
    if not (len(rel) in gsu and round(100 * len(rel) / len(cat), 1) in gsu):
        problems.append("kept count")
    if round(100 * w[rel].sum() / w.sum(), 1) not in numbers(fact_texts(svg_text, "fact-kept")[0]):
        problems.append("weight share")
    if round(error, 3) not in numbers(fact_texts(svg_text, "fact-error")[0]):
        problems.append("error")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_sim_figure_numbers(lang):
    code = page_code()
    svg_text = render("q34/sim-search", lang).svg
    assert sim_problems(svg_text, code["cat"], code["E"], code["v"], code["c"], code["din_weights"]) == []


def test_a_wrong_category_is_caught(monkeypatch):
    """Planted fault: the figure's hard search keeps the wrong category."""
    monkeypatch.setattr(q34, "CANDIDATE_CAT", 4)
    code = page_code()
    svg_text = render("q34/sim-search", "en").svg
    problems = sim_problems(svg_text, code["cat"], code["E"], code["v"], code["c"], code["din_weights"])
    assert "weight share" in problems and "error" in problems

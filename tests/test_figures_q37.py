"""Figures of question 37 (biases in implicit feedback): both figures render in both languages with
only their language's text, fit a 5.6-inch width with text of at least 12 px, and are placed in
the detailed section of both pages with alt-text numbers the figure shows; the estimates figure
runs the page's own simulation (the code block is run and compared) and prints its IPW values;
the PAL diagram serves without position. Each checker is shown to fail on a planted fault."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q37, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, FIGURE_LINE_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q37/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"37-*.{lang}.md")
    return path


@functools.cache
def page_code(lang: str = "en") -> dict:
    (block,) = codeblocks.runnable_blocks(page(lang))
    return codeblocks.definitions(block)


def fact_texts(svg: str, name: str) -> list[str]:
    groups = re.findall(rf'<g class="{re.escape(name)}">(.*?)</g>', svg, re.S)
    return [t for g in groups for t in svg_texts(g)]


def numbers(texts) -> list[float]:
    return [float(m) for t in texts for m in re.findall(r"-?\d+\.\d+", t.replace("−", "-"))]


def test_two_figures():
    assert KEYS == ["q37/estimates", "q37/pal"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_figure_renders_readably_in_its_language(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert untranslated(texts, lang, keep_words(key)) == []
    assert fig.min_font >= MIN_FONT, f"{key}: {fig.min_font}px text"
    assert fig.width <= 5.6 * 72 + 1, f"{key} is {fig.width}px wide"
    assert len(fig.svg.encode()) < MAX_SVG_BYTES


def shown(key: str, lang: str) -> set[str]:
    return {x for t in svg_texts(built(key, lang).svg) for x in DECIMAL_RE.findall(t)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section_with_shown_numbers(key, lang):
    assert placement_problems(page(lang).read_text(encoding="utf-8"), key, lang, shown(key, lang)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_line_names_a_registered_figure(lang):
    lines = page(lang).read_text(encoding="utf-8").split("\n")
    assert sorted(m["key"] for line in lines if (m := FIGURE_LINE_RE.match(line))) == KEYS


def test_a_wrong_alt_number_is_caught():
    """Planted fault: an alt text claims an IPW estimate of 0.70."""
    key = "q37/estimates"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    faulty = text.replace(line, line.replace("and 0.60, on top", "and 0.70, on top"))
    want = [f"{key}: alt text states ['0.70'], not in the figure"]
    assert placement_problems(faulty, key, "en", shown(key, "en")) == want


def estimate_mismatches(code: dict, est: dict) -> list[str]:
    """Which of the figure's estimates differ from the page code's arrays of the same name."""
    return [k for k in ("naive", "ipw", "clipped") if not np.array_equal(code[k], est[k])]


def test_estimates_figure_runs_the_page_simulation():
    code = page_code()
    assert np.array_equal(code["theta"], q37.THETA) and np.array_equal(code["gamma"], q37.GAMMA)
    assert code["N"] == q37.N
    assert estimate_mismatches(code, q37.estimates()) == []
    assert estimate_mismatches(page_code("zh"), q37.estimates()) == []  # same code in both pages


def test_estimate_check_catches_a_different_simulation(monkeypatch):
    """Planted fault: the figure's examination curve is flattened (no position bias); every
    estimate then disagrees with the page's code."""
    monkeypatch.setattr(q37, "THETA", np.full(5, 0.5))
    q37.estimates.cache_clear()
    try:
        assert estimate_mismatches(page_code(), q37.estimates()) == ["naive", "ipw", "clipped"]
    finally:
        q37.estimates.cache_clear()


@pytest.mark.parametrize("lang", LANGS)
def test_estimates_figure_prints_the_ipw_values(lang):
    """The printed IPW values are the page code's, two decimals, one per video, and they recover
    γ; the naive click rates (computed by the page) put video 0 first."""
    svg = render("q37/estimates", lang).svg
    code = page_code()
    printed = numbers(fact_texts(svg, "fact-ipw"))
    assert printed == [round(float(v), 2) for v in code["ipw"]]
    assert np.allclose(printed, code["gamma"], atol=0.01)
    assert len(re.findall(r'class="fact-gamma"', svg)) == len(code["gamma"])
    assert int(np.argmax(code["naive"])) == 0


@pytest.mark.parametrize("lang", LANGS)
def test_pal_serves_without_position(lang):
    """The serving side has one CTR module and the position label appears only once (training)."""
    svg = render("q37/pal", lang).svg
    texts = svg_texts(svg)
    t = q37.LABELS[lang]
    assert len(re.findall(r'class="fact-serve-ctr"', svg)) == 1
    assert texts.count(t["ctr-module"]) == 2  # one for training, one for serving
    assert texts.count(t["position"]) == 1
    assert texts.count(t["features"]) == 2

"""Figures of question 38 (cold start): both figures render in both languages with only their
language's text, fit a 5.6-inch width with text of at least 12 px, and are placed in the detailed
section of both pages with alt-text numbers the figure shows; the regret figure runs the page's
own bandit (the code block is run and compared) and prints its final regrets; the lifecycle
diagram has its five stages and one warm-up loop. Each checker is shown to fail on a planted
fault."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q38, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, FIGURE_LINE_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q38/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"38-*.{lang}.md")
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
    assert KEYS == ["q38/lifecycle", "q38/regret"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_figure_renders_readably_in_its_language(key, lang):
    fig = built(key, lang)
    assert untranslated(svg_texts(fig.svg), lang, keep_words(key)) == []
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
    """Planted fault: an alt text claims UCB's regret is 120.0."""
    key = "q38/regret"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    faulty = text.replace(line, line.replace("UCB reaches 174.6", "UCB reaches 120.0"))
    want = [f"{key}: alt text states ['120.0'], not in the figure"]
    assert placement_problems(faulty, key, "en", shown(key, "en")) == want


def run_mismatches(code: dict, runs: dict) -> list[str]:
    """Policies whose cumulative regret or recommendation counts differ between the page's code
    (its dict R) and the figure's runs."""
    return [
        p
        for p in q38.POLICIES
        if not (np.array_equal(code["R"][p][0], runs[p][0]) and np.array_equal(code["R"][p][1], runs[p][1]))
    ]


def test_regret_figure_runs_the_page_bandit():
    code = page_code()
    assert np.array_equal(code["ctr"], q38.CTR) and code["T"] == q38.T
    assert run_mismatches(code, q38.runs()) == []
    assert run_mismatches(page_code("zh"), q38.runs()) == []  # the same code in both pages


def test_run_check_catches_a_different_bandit(monkeypatch):
    """Planted fault: the figure's best video is made better (0.12 -> 0.30); every policy's
    regret then differs from the page's."""
    monkeypatch.setattr(q38, "CTR", np.array([0.02, 0.04, 0.06, 0.08, 0.10, 0.30]))
    q38.runs.cache_clear()
    try:
        assert run_mismatches(page_code(), q38.runs()) == list(q38.POLICIES)
    finally:
        q38.runs.cache_clear()


@pytest.mark.parametrize("lang", LANGS)
def test_regret_figure_prints_the_final_regrets(lang):
    """The printed final regrets are the page code's (one decimal), recomputed here from the
    recommendation counts: regret = Σ n_a (μ* − μ_a)."""
    svg = render("q38/regret", lang).svg
    code = page_code()
    ctr = code["ctr"]
    for p in q38.POLICIES:
        cum, n = code["R"][p]
        assert np.isclose(cum[-1], n @ (ctr.max() - ctr))
        assert numbers(fact_texts(svg, f"fact-final-{p}")) == [round(float(cum[-1]), 1)]
    finals = {p: code["R"][p][0][-1] for p in q38.POLICIES}
    assert finals["thompson"] < finals["ucb"] < finals["greedy"]


@pytest.mark.parametrize("lang", LANGS)
def test_lifecycle_has_five_stages_and_one_loop(lang):
    svg = render("q38/lifecycle", lang).svg
    texts = svg_texts(svg)
    for key in q38.STAGES:
        assert len(re.findall(rf'class="fact-stage-{key}"', svg)) == 1
        assert q38.LABELS[lang][key] in texts
    assert len(re.findall(r'class="fact-loop"', svg)) == 1

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

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q38/"))
LANGS = ("zh", "en")
FIGURE_LINE_RE = re.compile(r'^!\[(?P<alt>[^\]]+)\]\(figure:(?P<key>[^ )]+) "(?P<caption>[^"]+)"\)$')
DETAIL = {"zh": ("## 详解", "## 代码"), "en": ("## In depth", "## Code")}


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
    fig = render(key, lang)
    assert untranslated(svg_texts(fig.svg), lang, keep_words(key)) == []
    assert fig.min_font >= 12, f"{key}: {fig.min_font}px text"
    assert fig.width <= 5.6 * 72 + 1, f"{key} is {fig.width}px wide"
    assert len(fig.svg.encode()) < 25_000


def placement(text: str) -> dict[str, str]:
    return {m["key"]: m["alt"] for line in text.splitlines() if (m := FIGURE_LINE_RE.match(line))}


def unshown_numbers(key: str, alt: str, lang: str) -> list[float]:
    """Numbers (one or two decimals) an alt text states that the figure does not show."""
    shown = set(numbers(svg_texts(render(key, lang).svg)))
    return sorted(set(numbers(re.findall(r"\d+\.\d+", alt))) - shown)


@pytest.mark.parametrize("lang", LANGS)
def test_figures_are_placed_in_the_detailed_section_with_true_numbers(lang):
    text = page(lang).read_text(encoding="utf-8")
    start, end = DETAIL[lang]
    placed = placement(text[text.index(start) : text.index(end)])
    assert sorted(placed) == KEYS, f"{lang}: placed {sorted(placed)}"
    for key, alt in placed.items():
        assert unshown_numbers(key, alt, lang) == [], f"{key} ({lang})"


def test_alt_number_check_catches_a_number_the_figure_lacks():
    """Planted fault: an alt text claims UCB's regret is 120.0."""
    assert unshown_numbers("q38/regret", "UCB reaches 120.0, Thompson 36.2", "en") == [120.0]


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

"""Figures of question 39 (online training): both figures render in both languages and are placed
in both pages; the waiting-window curve draws the shares of positives that the page's code
measures on its simulated delays, and the page's FTRL run ends sparse."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q39, render, svg_texts, untranslated

QUESTIONS = Path(__file__).resolve().parents[1] / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q39/"))
LANGS = ("zh", "en")
FIGURE_RE = re.compile(r'^!\[([^\]]{20,})\]\(figure:(q39/[a-z0-9-]+) "([^"]+)"\)$', re.M)


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return render(key, lang).svg


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"39-*.{lang}.md")
    return path


@functools.cache
def page_code(lang: str = "en") -> dict:
    (block,) = codeblocks.runnable_blocks(page(lang))
    return codeblocks.definitions(block)


def fact_numbers(svg_text: str, name: str) -> list[float]:
    groups = re.findall(rf'<g class="{re.escape(name)}">(.*?)</g>', svg_text, re.S)
    return [float(m) for g in groups for t in svg_texts(g) for m in re.findall(r"\d+\.\d+", t)]


def test_two_figures():
    assert KEYS == ["q39/delay-window", "q39/pipeline"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_figure_renders_in_its_language(key, lang):
    fig = render(key, lang)
    texts = svg_texts(fig.svg)
    assert texts and untranslated(texts, lang, keep_words(key)) == []
    assert fig.min_font >= 11 and fig.width <= 404  # 5.6 in: fits a 375 px phone with margins


@pytest.mark.parametrize("lang", LANGS)
def test_figures_placed_with_numbers_the_figure_shows(lang):
    placed = {key: alt for alt, key, _ in FIGURE_RE.findall(page(lang).read_text(encoding="utf-8"))}
    assert sorted(placed) == KEYS
    shown = fact_numbers(svg("q39/delay-window", lang), "fact-captured")
    stated = [float(x) for x in re.findall(r"\d\.\d\d", placed["q39/delay-window"])]
    assert stated == shown


def shares_problems(shown: list[float], code: dict) -> list[str]:
    """The curve's labelled points against the page's simulation: same mean delay and windows, and
    each label within 0.01 of the share of simulated positives that arrived within the window."""
    problems = []
    if code["tau"] != q39.TAU:
        problems.append(f"mean delay {code['tau']} on the page, {q39.TAU} in the figure")
    simulated = [float(code["captured"](w)) for w in q39.WINDOWS]
    if len(shown) != len(simulated) or any(abs(a - b) > 0.01 for a, b in zip(shown, simulated, strict=False)):
        problems.append(f"figure shows {shown}, the page's simulation gives {np.round(simulated, 3).tolist()}")
    return problems


def test_delay_window_draws_the_page_simulation():
    shown = fact_numbers(svg("q39/delay-window"), "fact-captured")
    assert shown == [round(1 - np.exp(-w / q39.TAU), 2) for w in q39.WINDOWS] == [0.39, 0.63, 0.95]
    assert shares_problems(shown, page_code("en")) == []
    assert shares_problems(shown, page_code("zh")) == []


def test_delay_window_check_catches_a_planted_fault():
    """Planted faults: the figure labels a point with the formula for a 20 s mean delay, and a page
    whose code simulates another mean delay."""
    code = page_code("en")
    wrong = [round(1 - np.exp(-w / 20.0), 2) for w in q39.WINDOWS]
    assert shares_problems(wrong, code) != []
    assert shares_problems(fact_numbers(svg("q39/delay-window"), "fact-captured"), {**code, "tau": 20.0}) != []


def test_page_code_facts():
    """What the page states: the fake-negative stream has positive rate p/(1+p), and the FTRL run
    zeroes almost every useless weight while keeping every useful one."""
    code = page_code("en")
    assert abs(code["q"] - code["p"] / (1 + code["p"])) < 0.003
    w = code["w"]
    assert (w[20:] == 0).mean() > 0.9 and np.all(w[:20] != 0)


def test_pipeline_structure():
    s = svg("q39/pipeline")
    assert len(re.findall(r'class="fact-stage"', s)) == 3  # joiner, trainer, serving
    assert len(re.findall(r'class="fact-source"', s)) == 2  # impressions, delayed labels

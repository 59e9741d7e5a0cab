"""Figures of question 39 (online training): both figures render in both languages and are placed
once in the detailed section of both pages with alt-text numbers the figure shows; the
waiting-window curve draws the shares of positives that the page's code measures on its simulated
delays, and the page's FTRL run ends sparse. The checkers are shown to fail on planted faults."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q39, svg_texts, untranslated
from figcheck import DECIMAL_RE, FIGURE_LINE_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, built, placement_problems

QUESTIONS = Path(__file__).resolve().parents[1] / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q39/"))


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


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
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts and untranslated(texts, lang, keep_words(key)) == []
    assert fig.min_font >= MIN_FONT and fig.width <= 404  # 5.6 in: fits a 375 px phone with margins
    assert len(fig.svg.encode()) < MAX_SVG_BYTES


def shown_decimals(key: str, lang: str) -> set[str]:
    return {x for t in svg_texts(svg(key, lang)) for x in DECIMAL_RE.findall(t)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section_with_shown_numbers(key, lang):
    assert placement_problems(page(lang).read_text(encoding="utf-8"), key, lang, shown_decimals(key, lang)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_figures_placed_with_numbers_the_figure_shows(lang):
    """Beyond placement_problems: the page's figure lines are exactly ours, each alt text has at least
    20 characters, and the delay-window alt states every share the curve labels, in order."""
    lines = page(lang).read_text(encoding="utf-8").split("\n")
    figures = [m for line in lines if (m := FIGURE_LINE_RE.match(line))]
    assert sorted(m["key"] for m in figures) == KEYS and all(len(m["alt"]) >= 20 for m in figures)
    (alt,) = (m["alt"] for m in figures if m["key"] == "q39/delay-window")
    labelled = fact_numbers(svg("q39/delay-window", lang), "fact-captured")
    assert [float(x) for x in re.findall(r"\d\.\d\d", alt)] == labelled


def test_a_wrong_alt_number_is_caught():
    key = "q39/delay-window"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    faulty = text.replace(line, line.replace("0.63 at 10", "0.36 at 10"))
    want = [f"{key}: alt text states ['0.36'], not in the figure"]
    assert placement_problems(faulty, key, "en", shown_decimals(key, "en")) == want


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

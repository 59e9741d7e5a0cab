"""Figures of question 40 (where ranking models are going): both figures render in both languages
and are placed once in the detailed section of both pages with alt-text numbers the figure shows;
the residual-energy bars and the semantic IDs in the generative retrieval diagram are those of the
page's own residual quantization. The checkers are shown to fail on planted faults."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q40, svg_texts, untranslated
from figcheck import DECIMAL_RE, FIGURE_LINE_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, built, placement_problems

QUESTIONS = Path(__file__).resolve().parents[1] / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q40/"))


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"40-*.{lang}.md")
    return path


@functools.cache
def page_code(lang: str = "en") -> dict:
    (block,) = codeblocks.runnable_blocks(page(lang))
    return codeblocks.definitions(block)


def fact_texts(svg_text: str, name: str) -> list[str]:
    groups = re.findall(rf'<g class="{re.escape(name)}">(.*?)</g>', svg_text, re.S)
    return [t for g in groups for t in svg_texts(g)]


def fact_numbers(svg_text: str, name: str) -> list[float]:
    return [float(m) for t in fact_texts(svg_text, name) for m in re.findall(r"\d+\.\d+", t)]


def test_two_figures():
    assert KEYS == ["q40/generative", "q40/residual-energy"]


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
    20 characters, and the residual-energy alt states every bar, in order."""
    lines = page(lang).read_text(encoding="utf-8").split("\n")
    figures = [m for line in lines if (m := FIGURE_LINE_RE.match(line))]
    assert sorted(m["key"] for m in figures) == KEYS and all(len(m["alt"]) >= 20 for m in figures)
    (alt,) = (m["alt"] for m in figures if m["key"] == "q40/residual-energy")
    stated = [float(x) for x in re.findall(r"\d+\.\d", alt)]
    assert stated == fact_numbers(svg("q40/residual-energy", lang), "fact-energy")


def test_a_wrong_alt_number_is_caught():
    key = "q40/residual-energy"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    faulty = text.replace(line, line.replace("12.8 after", "18.2 after"))
    want = [f"{key}: alt text states ['18.2'], not in the figure"]
    assert placement_problems(faulty, key, "en", shown_decimals(key, "en")) == want


def energy_problems(shown: list[float], code: dict) -> list[str]:
    """The bars against the page's run: one bar per stage, each within 0.05 of its energy."""
    page_energy = [float(e) for e in code["energy"]]
    if len(shown) != len(page_energy) or any(abs(a - b) > 0.05 for a, b in zip(shown, page_energy, strict=False)):
        return [f"figure shows {shown}, the page's code gives {np.round(page_energy, 1).tolist()}"]
    return []


@pytest.mark.parametrize("lang", LANGS)
def test_residual_energy_draws_the_page_run(lang):
    code = page_code(lang)
    assert (code["L"], code["K"], code["d"]) == (q40.LEVELS, q40.K, q40.D)
    assert energy_problems(fact_numbers(svg("q40/residual-energy"), "fact-energy"), code) == []
    energy, sid = q40.residual_quantization()
    assert np.allclose(energy, code["energy"]) and np.array_equal(sid, code["sid"])


def test_energy_check_catches_a_planted_fault():
    """Planted fault: a figure with one level fewer, and one whose last bar is off by 1."""
    shown = fact_numbers(svg("q40/residual-energy"), "fact-energy")
    code = page_code("en")
    assert energy_problems(shown[:-1], code) != []
    assert energy_problems([*shown[:-1], shown[-1] + 1.0], code) != []


def test_page_states_the_collision_count():
    """Both pages state how many distinct IDs the 800 videos get; the code computes it."""
    code = page_code("en")
    n_ids, n = int(code["n_ids"]), len(code["X"])
    assert n_ids < n
    for lang in LANGS:
        text = page(lang).read_text(encoding="utf-8")
        assert f"{n} " in text and f"{n_ids} " in text


def test_generative_draws_semantic_ids_of_the_page_run():
    """Every codeword tuple in the diagram is the semantic ID of a video in the page's run, and
    the decoded next video shares its first codeword with the last video of the history."""
    s = svg("q40/generative")
    sid = page_code("en")["sid"]
    history = [tuple(int(c) for c in t.split()) for t in fact_texts(s, "fact-history-sid")]
    nxt = tuple(int(t) for t in fact_texts(s, "fact-next"))
    ids = {tuple(int(c) for c in row) for row in sid}
    assert len(history) == 3 and all(h in ids for h in history) and nxt in ids
    assert nxt[0] == history[-1][0]

"""Figures of question 35 (losses for recommendation): each renders in both languages with only its
own language's text, fits a phone and stays small; it is placed once in each page's detailed section
with alt-text numbers the figure shows; it replays the page's runnable code (the block is run and
compared); and the numbers read back from the SVG agree with the formulas computed here from the
page's own values. Each checker is shown to fail on a planted fault."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q35, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, FIGURE_LINE_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, PHONE_PX, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q35/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"35-*.{lang}.md")
    return path


@functools.cache
def page_code(lang: str = "en") -> dict:
    """The globals of the page's runnable block after running it."""
    (block,) = codeblocks.runnable_blocks(page(lang))
    return codeblocks.definitions(block)


def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


def fact_texts(svg_text: str, fact: str) -> list[str]:
    return [t for g in re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>', svg_text, re.S) for t in svg_texts(g)]


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text.replace("−", "-"))]


def markers(svg_text: str, fact: str) -> int:
    """How many markers the scatter series with gid ``fact`` draws."""
    (group,) = re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>\s*</g>', svg_text, re.S)
    return group.count("<use ")


# ---- every figure: renders in one language, fits a phone, small ------------------------------------
def test_at_least_two_figures():
    assert len(KEYS) >= 2


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_renders_in_its_language_fits_a_phone_and_is_small(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts and untranslated(texts, lang, keep_words(key)) == [], f"{key} ({lang})"
    assert fig.min_font >= MIN_FONT, f"{key}: {fig.min_font} px text"
    assert fig.width * 11 / fig.min_font <= PHONE_PX, f"{key}: {fig.width} px wide with {fig.min_font} px text"
    assert len(fig.svg.encode()) < MAX_SVG_BYTES
    assert "$" not in "".join(texts)


@pytest.mark.parametrize("key", KEYS)
def test_both_languages_show_the_same_decimals(key):
    zh, en = (sorted(x for t in svg_texts(svg(key, lang)) for x in DECIMAL_RE.findall(t)) for lang in LANGS)
    assert zh == en


# ---- placement ----------------------------------------------------------------------------------


def shown(key: str, lang: str) -> set[str]:
    return {x for t in svg_texts(svg(key, lang)) for x in DECIMAL_RE.findall(t)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section_with_shown_numbers(key, lang):
    assert placement_problems(page(lang).read_text(encoding="utf-8"), key, lang, shown(key, lang)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_line_names_a_registered_figure(lang):
    lines = page(lang).read_text(encoding="utf-8").split("\n")
    assert sorted(m["key"] for line in lines if (m := FIGURE_LINE_RE.match(line))) == KEYS


def test_a_wrong_alt_number_is_caught():
    key = "q35/logq"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    faulty = text.replace(line, line.replace("2.09", "2.90"))
    want = [f"{key}: alt text states ['2.90'], not in the figure"]
    assert placement_problems(faulty, key, "en", shown(key, "en")) == want


# ---- the figures replay the page's code -----------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_figures_replay_the_page_code(lang):
    code, run = page_code(lang), q35.page_runs()
    assert np.array_equal(run["pos"], code["pos"]) and np.array_equal(run["neg"], code["neg"])
    assert run["auc"] == code["auc"] and np.isclose(run["bpr"], code["bpr"](code["pos"], code["neg"]))
    assert np.array_equal(run["logp"], code["logp"]) and np.array_equal(run["Q"], code["Q"])
    assert np.array_equal(run["s_fix"], code["s_fix"]) and np.array_equal(run["s_raw"], code["s_raw"])


# ---- facts read back from the SVG ----------------------------------------------------------------
def surrogate_problems(svg_text: str) -> list[str]:
    """q35/surrogate: 1 − AUC (share of pairs with d ≤ 0) and BPR in bits (mean −log₂ σ(d)),
    computed here from the page's scores."""
    code = page_code()
    d = code["pos"][:, None] - code["neg"][None, :]
    want = {"fact-auc": np.mean(d <= 0), "fact-bound": np.mean(-np.log2(1 / (1 + np.exp(-d))))}
    problems = []
    for fact, value in want.items():
        (text,) = fact_texts(svg_text, fact)
        if numbers(text)[-1] != round(float(value), 2):
            problems.append(f"{fact}: figure says {text}, expected {value:.2f}")
    if not want["fact-auc"] <= want["fact-bound"]:
        problems.append("the bound 1 − AUC ≤ BPR / ln 2 fails")
    return problems


def logq_problems(svg_text: str) -> list[str]:
    """q35/logq: 20 points per series, and the largest gap of each series from the centered true
    log p(i|u), computed here from the page's scores; the corrected one must be the small one."""
    code = page_code()
    target = code["logp"] - code["logp"].mean()
    problems = []
    for fact, scores in (("fix", code["s_fix"]), ("raw", code["s_raw"])):
        if markers(svg_text, f"fact-{fact}") != len(target):
            problems.append(f"{fact}: {markers(svg_text, f'fact-{fact}')} points drawn")
        (text,) = fact_texts(svg_text, f"fact-{fact}-err")
        want = round(float(np.abs(scores - target).max()), 2)
        if numbers(text)[-1] != want:
            problems.append(f"{fact}: figure says {text}, the page's scores give {want}")
    return problems


def test_surrogate_reads_back():
    for lang in LANGS:
        assert surrogate_problems(svg("q35/surrogate", lang)) == []


def test_logq_reads_back():
    for lang in LANGS:
        assert logq_problems(svg("q35/logq", lang)) == []
    assert fact_texts(svg("q35/logq"), "fact-fix-err") == ["minus log Q: max error 0.08"]


@pytest.fixture
def fresh_runs():
    runs = q35.page_runs  # the cached function itself, even while a test replaces it
    runs.cache_clear()
    yield
    runs.cache_clear()


def test_a_figure_that_forgets_the_correction_is_caught(monkeypatch, fresh_runs):
    """Planted fault: the 'corrected' run trains without subtracting log Q."""
    real = q35.train
    monkeypatch.setattr(q35, "train", lambda logp, Q, rng, correct, **kw: real(logp, Q, rng, False, **kw))
    problems = logq_problems(render("q35/logq", "en").svg)
    assert problems == ["fix: figure says minus log Q: max error 2.15, the page's scores give 0.08"]


def test_a_bound_computed_in_nats_is_caught(monkeypatch, fresh_runs):
    """Planted fault: the figure prints BPR in nats (forgets the division by ln 2)."""
    real = q35.page_runs.__wrapped__
    monkeypatch.setattr(q35, "page_runs", lambda: {**real(), "bpr": real()["bpr"] * np.log(2)})
    problems = surrogate_problems(render("q35/surrogate", "en").svg)
    assert problems == ["fact-bound: figure says BPR / ln 2 = 0.52, expected 0.75"]

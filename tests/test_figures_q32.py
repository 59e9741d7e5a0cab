"""Figures of question 32 (two-tower retrieval): each renders in both languages with only its own
language's text, fits a phone and is placed once in the detailed section of both pages; the
architecture keeps the towers apart; the logQ figure draws the page's own experiment (the
page's code block is run and compared) and prints its correlations; the IVF figure prints
recalls recomputed here by brute force. Each checker is shown to fail on a planted fault."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q32, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, DETAIL, LANGS, MAX_SVG_BYTES, MIN_FONT, PHONE_PX, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q32/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"32-*.{lang}.md")
    return path


@functools.cache
def page_code(lang: str = "en") -> dict:
    (block,) = codeblocks.runnable_blocks(page(lang))
    return codeblocks.definitions(block)


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


def fact_texts(svg_text: str, fact: str) -> list[str]:
    return [t for g in re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>', svg_text, re.S) for t in svg_texts(g)]


def count(svg_text: str, fact: str) -> int:
    return len(re.findall(rf'class="{re.escape(fact)}"', svg_text))


# ---- every figure ---------------------------------------------------------------------------
def test_three_figures():
    assert KEYS == ["q32/ivf", "q32/logq", "q32/two-tower"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_renders_in_its_language_and_fits_a_phone(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts and untranslated(texts, lang, keep_words(key)) == [], f"{key} ({lang})"
    assert fig.min_font >= MIN_FONT, f"{key}: {fig.min_font} px text"
    assert fig.width * 11 / fig.min_font <= PHONE_PX, f"{key}: {fig.width} px wide"
    assert len(fig.svg.encode()) < MAX_SVG_BYTES


@pytest.mark.parametrize("key", KEYS)
def test_both_languages_show_the_same_numbers(key):
    zh, en = (sorted(d for t in svg_texts(svg(key, lang)) for d in DECIMAL_RE.findall(t)) for lang in LANGS)
    assert zh == en


def shown(key: str, lang: str) -> set[str]:
    return {x for t in svg_texts(svg(key, lang)) for x in DECIMAL_RE.findall(t)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section(key, lang):
    text = page(lang).read_text(encoding="utf-8")
    assert set(DETAIL[lang]) <= set(text.split("\n"))  # whole heading lines (figcheck matches prefixes)
    assert placement_problems(text, key, lang, shown(key, lang)) == []


def test_placement_check_catches_a_misplaced_figure():
    """Planted fault: the IVF figure moved into the code section, its recall misquoted."""
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if "(figure:q32/ivf " in x)
    moved = text.replace(line + "\n", "").replace("## Code\n", f"## Code\n\n{line.replace('0.91', '0.93')}\n")
    assert placement_problems(moved, "q32/ivf", "en", shown("q32/ivf", "en")) == [
        "q32/ivf: outside the ## In depth section",
        "q32/ivf: alt text states ['0.93'], not in the figure",
    ]


# ---- the architecture -------------------------------------------------------------------------
def test_two_towers_meet_only_in_one_dot_product():
    for lang in LANGS:
        s = svg("q32/two-tower", lang)
        assert (count(s, "fact-tower"), count(s, "fact-vector"), count(s, "fact-dot"), count(s, "fact-index")) == (
            2,
            2,
            1,
            1,
        )


# ---- logQ: the page's experiment ---------------------------------------------------------------
def test_figure_trains_what_the_page_trains():
    """Same setup, same seeds: the figure's learned scores equal the page's, in both languages."""
    target, fixed, naive = q32.trained()
    for lang in LANGS:
        code = page_code(lang)
        assert (code["V"], code["G"], code["B"], code["steps"], code["lr"]) == (q32.V, q32.G, q32.B, q32.STEPS, q32.LR)
        np.testing.assert_allclose(code["target"], target)
        np.testing.assert_allclose(code["fixed"], fixed)
        np.testing.assert_allclose(code["naive"], naive)


def logq_problems(svg_text: str, code: dict) -> list[str]:
    """The legend's correlations are the page's: without correction first, then with."""
    printed = [m for t in fact_texts(svg_text, "fact-r") for m in re.findall(r"r = (\d\.\d\d)", t)]
    expected = [f"{code['corr'](code[k], code['target']):.2f}" for k in ("naive", "fixed")]
    return [] if printed == expected else [f"correlations {printed}, expected {expected}"]


@pytest.mark.parametrize("lang", LANGS)
def test_logq_prints_the_page_correlations(lang):
    code = page_code()
    assert logq_problems(svg("q32/logq", lang), code) == []
    naive, fixed = (
        float(r) for r in re.findall(r"r = (\d\.\d\d)", " ".join(fact_texts(svg("q32/logq", lang), "fact-r")))
    )
    assert naive < 0.8 < 0.95 < fixed


def test_uncorrected_error_follows_minus_log_q():
    """The claim the figure draws: without correction, error ≈ −log Q + const (slope −1 against
    log Q); with it, no trend."""
    target, fixed, naive = q32.trained()
    _, Q = q32.setup()
    slope_naive = np.polyfit(np.log(Q), (naive - target).mean(0), 1)[0]
    slope_fixed = np.polyfit(np.log(Q), (fixed - target).mean(0), 1)[0]
    assert -1.2 < slope_naive < -0.8 and abs(slope_fixed) < 0.2


def test_logq_check_catches_swapped_runs(monkeypatch):
    """Planted fault: the figure labels the corrected run as uncorrected and vice versa."""
    target, fixed, naive = q32.trained()
    monkeypatch.setattr(q32, "trained", lambda: (target, naive, fixed))
    problems = logq_problems(render("q32/logq", "en").svg, page_code())
    assert problems == ["correlations ['0.97', '0.61'], expected ['0.61', '0.97']"]


# ---- IVF: recall against brute force -------------------------------------------------------------
def ivf_recall_brute_force(p: int) -> float:
    """Recall@K of probing p clusters, recomputed from the same data with explicit loops."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(25, q32.DIM)) * 2
    X = centres[rng.integers(25, size=q32.N_VEC)] + rng.normal(size=(q32.N_VEC, q32.DIM))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    queries = X[rng.choice(q32.N_VEC, q32.N_QUERIES, replace=False)] + 0.3 * rng.normal(size=(q32.N_QUERIES, q32.DIM))
    C = X[rng.choice(q32.N_VEC, q32.N_CLUSTERS, replace=False)]
    for _ in range(10):
        assign = (X @ C.T).argmax(1)
        for c in range(q32.N_CLUSTERS):
            if (assign == c).any():
                s = X[assign == c].sum(0)
                C[c] = s / np.linalg.norm(s)
    assign = (X @ C.T).argmax(1)
    hits = 0
    for q in queries:
        true = set(np.argsort(-(X @ q))[: q32.K])
        probed = set(np.argsort(-(C @ q))[:p])
        cand = [i for i in range(q32.N_VEC) if assign[i] in probed]
        found = sorted(cand, key=lambda i: -(X[i] @ q))[: q32.K]
        hits += len(true & set(found))
    return hits / (q32.K * q32.N_QUERIES)


def ivf_problems(svg_text: str) -> list[str]:
    printed = [float(m) for t in fact_texts(svg_text, "fact-recall") for m in re.findall(r"\d\.\d\d", t)]
    expected = [round(ivf_recall_brute_force(p), 2) for p in q32.MARKED]
    return [] if printed == expected else [f"recalls {printed}, expected {expected}"]


def test_ivf_prints_brute_force_recalls():
    assert ivf_problems(svg("q32/ivf")) == []
    curve = q32.ivf_curve()
    assert curve[-1] == (1.0, 1.0)  # probing every cluster is exact search
    assert all(a[1] <= b[1] and a[0] < b[0] for a, b in zip(curve, curve[1:], strict=False))


def test_ivf_check_catches_a_wrong_curve(monkeypatch):
    """Planted fault: the figure reports the recall of one more cluster than it says."""
    curve = q32.ivf_curve()
    shifted = (*curve[1:], curve[-1])
    monkeypatch.setattr(q32, "ivf_curve", lambda: shifted)
    assert ivf_problems(render("q32/ivf", "en").svg) != []

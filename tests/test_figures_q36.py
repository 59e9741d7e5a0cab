"""Figures of question 36 (evaluating recommenders): each renders in both languages with only its
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
from dlie.figures import keep_words, load_all, q36, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, FIGURE_LINE_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, PHONE_PX, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q36/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"36-*.{lang}.md")
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


def count(svg_text: str, fact: str) -> int:
    """How many elements carry the class ``fact``."""
    return len(re.findall(rf'class="{re.escape(fact)}"', svg_text))


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
    key = "q36/gauc"
    text = page("en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    faulty = text.replace(line, line.replace("0.71", "0.75"))
    want = [f"{key}: alt text states ['0.75'], not in the figure"]
    assert placement_problems(faulty, key, "en", shown(key, "en")) == want


# ---- the figures use the page's data and functions ------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_figures_use_the_page_code(lang):
    code = page_code(lang)
    assert np.array_equal(q36.TOY_U, code["u1"]) and np.array_equal(q36.TOY_Y, code["y1"])
    assert np.array_equal(q36.MODELS["bias"], code["bias"]) and np.array_equal(q36.MODELS["within"], code["within"])
    assert np.array_equal(q36.LISTS[0], code["top"]) and np.array_equal(q36.LISTS[1], code["low"])
    s, y, u = code["q"], code["y"], code["uid"]
    assert q36.auc(s, y) == code["auc"](s, y) and np.isclose(q36.gauc(s, y, u), code["gauc"](s, y, u))
    for rel in q36.LISTS:
        assert q36.ndcg(rel, q36.K) == code["ndcg"](rel, q36.K) and q36.recall(rel, q36.K) == code["recall"](rel, q36.K)


# ---- facts read back from the SVG, against definitions written out here ---------------------------
def pair_auc(s, y) -> float:
    """AUC by brute force over every (positive, negative) pair, ties counting 1/2."""
    pairs = [(a, b) for a, ya in zip(s, y, strict=True) if ya for b, yb in zip(s, y, strict=True) if not yb]
    return sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)


def gauc_problems(svg_text: str, data: dict | None = None) -> list[str]:
    """q36/gauc: every impression drawn once, clicks filled; each model's global AUC and its
    impression-weighted per-user AUC recomputed here pair by pair (``data``: the page's toy)."""
    data = data or page_code()
    u, y = data["u1"], data["y1"]
    problems = []
    for name in ("bias", "within"):
        s = data[name]
        if (count(svg_text, f"fact-click-{name}"), count(svg_text, f"fact-skip-{name}")) != (y.sum(), (1 - y).sum()):
            problems.append(f"{name}: clicks and skips drawn wrong")
        users = [k for k in set(u.tolist()) if 0 < y[u == k].mean() < 1]
        weights = [int(np.sum(u == k)) for k in users]
        per_user = [pair_auc(s[u == k], y[u == k]) for k in users]
        want = {"auc": pair_auc(s, y), "gauc": np.dot(weights, per_user) / sum(weights)}
        for what, value in want.items():
            (text,) = fact_texts(svg_text, f"fact-{what}-{name}")
            if numbers(text)[-1] != round(float(value), 2):
                problems.append(f"{name}: figure says {text}, expected {value:.2f}")
    return problems


def ndcg_problems(svg_text: str) -> list[str]:
    """q36/ndcg: the discounts 1/log2(k+1), the hits drawn, and each list's Recall@5 and NDCG@5
    from the definitions (binary relevance, ideal order = all hits first)."""
    code = page_code()
    problems = []
    disc = [numbers(x)[0] for x in fact_texts(svg_text, "fact-disc")]
    if disc != [round(1 / np.log2(k + 1), 2) for k in range(1, 9)]:
        problems.append(f"discounts {disc}")
    for i, rel in enumerate((code["top"], code["low"])):
        hits = [k for k in range(1, len(rel) + 1) if rel[k - 1]]
        dcg = sum(1 / np.log2(k + 1) for k in hits if k <= 5)
        idcg = sum(1 / np.log2(k + 1) for k in range(1, min(len(hits), 5) + 1))
        want = {"recall": sum(k <= 5 for k in hits) / len(hits), "ndcg": dcg / idcg}
        if count(svg_text, f"fact-hit-{i}") != len(hits):
            problems.append(f"list {i + 1}: {count(svg_text, f'fact-hit-{i}')} hits drawn")
        for what, value in want.items():
            (text,) = fact_texts(svg_text, f"fact-{what}-{i}")
            if numbers(text)[-1] != round(float(value), 2):
                problems.append(f"list {i + 1}: figure says {text}, expected {value:.2f}")
    return problems


def loop_problems(svg_text: str, lang: str) -> list[str]:
    """q36/loop: the four steps in clockwise order from the production model, one arrow between
    each step and the next (the last closing the loop), and the note on unshown items."""
    heads = [q36.LABELS[lang][k].split("\n")[0] for k in ("model", "exposure", "feedback", "logs")]
    drawn = [x for k in ("model", "exposure", "feedback", "logs") for x in fact_texts(svg_text, f"fact-step-{k}")]
    problems = [] if drawn == heads else [f"steps {drawn}"]
    if count(svg_text, "fact-loop") != len(heads):
        problems.append(f"{count(svg_text, 'fact-loop')} arrows for {len(heads)} steps")
    if fact_texts(svg_text, "fact-unshown") != [q36.LABELS[lang]["unshown"]]:
        problems.append("no note on unshown items")
    return problems


def test_loop_reads_back():
    for lang in LANGS:
        assert loop_problems(svg("q36/loop", lang), lang) == []


def test_an_open_loop_is_caught(monkeypatch):
    """Planted fault: the arrow from the logs back to the model is not drawn."""
    real = q36.arrow
    calls = []

    def arrow(ax, start, end, **kw):
        calls.append(start)
        if len(calls) < 4:
            real(ax, start, end, **kw)

    monkeypatch.setattr(q36, "arrow", arrow)
    assert loop_problems(render("q36/loop", "en").svg, "en") == ["3 arrows for 4 steps"]


def test_gauc_reads_back():
    for lang in LANGS:
        assert gauc_problems(svg("q36/gauc", lang)) == []
    assert fact_texts(svg("q36/gauc"), "fact-gauc-bias") == ["GAUC 0.50"]


def test_ndcg_reads_back():
    for lang in LANGS:
        assert ndcg_problems(svg("q36/ndcg", lang)) == []
    assert fact_texts(svg("q36/ndcg"), "fact-ndcg-1") == ["NDCG@5 = 0.50"]


def test_an_unweighted_gauc_is_caught(monkeypatch):
    """Planted fault: GAUC as the plain mean of per-user AUC (no impression weights) on a toy whose
    users have different numbers of impressions."""
    u = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    y = np.array([1, 1, 0, 0, 0, 0, 1, 0])
    s = np.array([0.9, 0.1, 0.5, 0.4, 0.3, 0.2, 0.2, 0.8])
    weighted = q36.gauc(s, y, u)
    assert np.isclose(weighted, (6 * 0.5 + 2 * 0.0) / 8)

    def unweighted(s, y, u):
        return float(np.mean([q36.auc(s[u == k], y[u == k]) for k in np.unique(u)]))

    data = {"u1": u, "y1": y, "bias": s, "within": s}
    monkeypatch.setattr(q36, "TOY_U", u)
    monkeypatch.setattr(q36, "TOY_Y", y)
    monkeypatch.setattr(q36, "MODELS", {"bias": s, "within": s})
    monkeypatch.setattr(q36, "gauc", unweighted)
    problems = gauc_problems(render("q36/gauc", "en").svg, data)
    assert problems == [
        "bias: figure says GAUC 0.25, expected 0.38",
        "within: figure says GAUC 0.25, expected 0.38",
    ]


def test_ndcg_without_the_ideal_normalization_is_caught(monkeypatch):
    """Planted fault: the figure prints DCG@5 (no division by the ideal DCG)."""
    monkeypatch.setattr(q36, "ndcg", lambda rel, k: float((rel[:k] * q36.discounts(k)).sum()))
    problems = ndcg_problems(render("q36/ndcg", "en").svg)
    assert problems == [
        "list 1: figure says NDCG@5 = 1.63, expected 1.00",
        "list 2: figure says NDCG@5 = 0.82, expected 0.50",
    ]

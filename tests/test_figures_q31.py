"""Figures of question 31 (sparse ID embeddings): each renders in both languages with only its
own language's text, fits a phone and is placed once in the detailed section of both pages; the
lookup figure copies exactly the one-hot-selected row; the collision figure uses the page's own
hash and formula and prints the rates computed here independently. Each checker is shown to fail
on a planted fault."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import keep_words, load_all, q31, render, svg_texts, untranslated
from figcheck import DECIMAL_RE, DETAIL, LANGS, MAX_SVG_BYTES, MIN_FONT, PHONE_PX, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
KEYS = sorted(k for k in load_all() if k.startswith("q31/"))


def page(lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"31-*.{lang}.md")
    return path


@functools.cache
def page_code() -> dict:
    (block,) = codeblocks.runnable_blocks(page("en"))
    return codeblocks.definitions(block)


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


def fact_texts(svg_text: str, fact: str) -> list[str]:
    return [t for g in re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>', svg_text, re.S) for t in svg_texts(g)]


# ---- every figure ---------------------------------------------------------------------------
def test_three_figures():
    assert KEYS == ["q31/collisions", "q31/lookup", "q31/params"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_renders_in_its_language_and_fits_a_phone(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts and untranslated(texts, lang, keep_words(key)) == [], f"{key} ({lang})"
    assert fig.min_font >= MIN_FONT, f"{key}: {fig.min_font} px text"
    assert fig.width * 11 / fig.min_font <= PHONE_PX, f"{key}: {fig.width} px wide"
    assert len(fig.svg.encode()) < MAX_SVG_BYTES


def shown(key: str, lang: str) -> set[str]:
    return {x for t in svg_texts(svg(key, lang)) for x in DECIMAL_RE.findall(t)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section(key, lang):
    text = page(lang).read_text(encoding="utf-8")
    assert set(DETAIL[lang]) <= set(text.split("\n"))  # whole heading lines (figcheck matches prefixes)
    assert placement_problems(text, key, lang, shown(key, lang)) == []


def test_placement_check_catches_a_number_the_figure_does_not_show():
    text = page("en").read_text(encoding="utf-8").replace("0.63 at one bucket", "0.65 at one bucket")
    assert placement_problems(text, "q31/collisions", "en", shown("q31/collisions", "en")) == [
        "q31/collisions: alt text states ['0.65'], not in the figure"
    ]


# ---- the lookup: one-hot × table = the selected row --------------------------------------------
def lookup_problems(svg_text: str, table: np.ndarray) -> list[str]:
    """The one-hot column has a single 1; the embedding drawn is the table's row at that index,
    and it equals that row of the table drawn beside it."""
    onehot = fact_texts(svg_text, "fact-onehot")
    drawn = [float(v.replace("−", "-")) for v in fact_texts(svg_text, "fact-e")]
    row = [float(v.replace("−", "-")) for v in fact_texts(svg_text, "fact-row")]
    rows, dim = table.shape
    problems = []
    if onehot.count("1") != 1 or len(onehot) != rows:
        return ["the one-hot vector is not one-hot"]
    i = onehot.index("1")
    x = np.eye(rows)[i]
    if not np.allclose(drawn, table.ravel()):
        problems.append("the table drawn is not the table")
    if not np.allclose(row, x @ table):
        problems.append(f"the embedding drawn is not row {i}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_lookup_draws_the_selected_row(lang):
    assert lookup_problems(svg("q31/lookup", lang), q31.table()) == []
    assert fact_texts(svg("q31/lookup", lang), "fact-onehot").index("1") == q31.ID


def test_lookup_check_catches_a_wrong_row():
    """Planted fault: the embedding shows row 2 of the table instead of row 3."""
    s = svg("q31/lookup")
    table = q31.table()
    wrong = [f"{v:.1f}".replace("-", "−") for v in table[q31.ID - 1]]
    groups = re.findall(r'<g class="fact-row">.*?</g>', s, re.S)
    bad = s
    for g, w in zip(groups, wrong, strict=True):
        bad = bad.replace(g, re.sub(r">[^<>]+</text>", f">{w}</text>", g))
    assert lookup_problems(bad, table) == [f"the embedding drawn is not row {q31.ID}"]


# ---- collisions: the page's hash and formula ----------------------------------------------------
def share_colliding(n_ids: int, m: int) -> float:
    """P(an ID shares its bucket) under a uniform hash, computed in logs, independently."""
    return 1 - math.exp((n_ids - 1) * math.log1p(-1 / m))


def test_figure_uses_the_page_code():
    code = page_code()
    for ratio in q31.MARKED:
        m = ratio * q31.N_IDS
        assert code["theory"](q31.N_IDS, m) == pytest.approx(q31.theory(q31.N_IDS, m))
    assert code["collision_rate"](3000, 3000) == q31.collision_rate(3000, 3000)  # the same md5 buckets
    assert code["N"] == q31.N_IDS


def collision_problems(svg_text: str) -> list[str]:
    printed = fact_texts(svg_text, "fact-rate")
    expected = [f"{share_colliding(q31.N_IDS, k * q31.N_IDS):.2f}" for k in q31.MARKED]
    return [] if printed == expected else [f"rates {printed}, expected {expected}"]


@pytest.mark.parametrize("lang", LANGS)
def test_collision_rates_printed_match_the_formula(lang):
    assert collision_problems(svg("q31/collisions", lang)) == []
    assert fact_texts(svg("q31/collisions", lang), "fact-rate") == ["0.63", "0.10", "0.01"]


def test_simulated_dots_lie_on_the_curve():
    for ratio, rate in zip(q31.RATIOS, q31.simulated(), strict=True):
        assert abs(rate - share_colliding(q31.N_IDS, int(ratio * q31.N_IDS))) < 0.01, ratio


def test_collision_check_catches_a_wrong_formula(monkeypatch):
    """Planted fault: the figure uses the naive N/m instead of the birthday-problem formula."""
    monkeypatch.setattr(q31, "theory", lambda n, m: min(1.0, n / m))
    assert collision_problems(render("q31/collisions", "en").svg) == [
        "rates ['1.00', '0.10', '0.01'], expected ['0.63', '0.10', '0.01']"
    ]


# ---- parameters: the page's configuration -------------------------------------------------------
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def parse_sci(text: str) -> float:
    mantissa, exp = text.split("×10")
    return float(mantissa) * 10 ** int(exp.translate(SUPERSCRIPT))


def params_problems(svg_text: str, code: dict) -> list[str]:
    """The three table bars add up to the page's `tables`, the MLP bar is the page's `mlp`, and
    the printed ratio is theirs, rounded to hundreds."""
    counts = [parse_sci(t) for t in fact_texts(svg_text, "fact-count")]
    problems = []
    if not np.isclose(sum(counts[:3]), code["tables"], rtol=0.01):
        problems.append(f"tables {sum(counts[:3]):.3g}, page {code['tables']:.3g}")
    if not np.isclose(counts[3], code["mlp"], rtol=0.01):
        problems.append(f"MLP {counts[3]:.3g}, page {code['mlp']:.3g}")
    ratio = round(code["tables"] / code["mlp"], -2)
    (printed,) = fact_texts(svg_text, "fact-ratio")
    if f"{ratio:,.0f}" not in printed and f"{ratio:.0f}" not in printed:
        problems.append(f"ratio {printed!r}, page {ratio:.0f}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_params_are_the_page_numbers(lang):
    assert params_problems(svg("q31/params", lang), page_code()) == []


def test_params_check_catches_another_mlp(monkeypatch):
    """Planted fault: the figure draws an MLP without its 1024-wide layer."""
    monkeypatch.setattr(q31, "WIDTHS", (20 * 64, 512, 256, 1))
    problems = params_problems(render("q31/params", "en").svg, page_code())
    assert [p.split(" ")[0] for p in problems] == ["MLP", "ratio"]
    assert problems[0].startswith("MLP 7.87e+05")  # 1280·512 + 512·256 + 256 + biases, not the page's

"""Figures of questions 26–30: every figure renders in both languages with only its own
language's text, fits a phone and stays small; it is placed once in each page's detailed section
with alt-text numbers the figure shows; it computes what its page's runnable code computes (the
block is run and compared); and facts read back from the SVG agree with formulas computed here
independently. Each checker is shown to fail on a planted fault."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import (
    FigureError,
    keep_words,
    load_all,
    q26,
    q27,
    q28,
    q29,
    q30,
    render,
    svg_texts,
    untranslated,
)
from figcheck import DECIMAL_RE, FIGURE_LINE_RE, LANGS, MAX_SVG_BYTES, MIN_FONT, PHONE_PX, built, placement_problems

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
MINE = ("q26", "q27", "q28", "q29", "q30")
KEYS = sorted(k for k in load_all() if k[:3] in MINE)


def page(q: str, lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"{q[1:]}-*.{lang}.md")
    return path


@functools.cache
def page_code(q: str, lang: str = "en") -> dict:
    """The globals of the page's runnable block after running it (its functions and values)."""
    (block,) = codeblocks.runnable_blocks(page(q, lang))
    return codeblocks.definitions(block)


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


def count(svg_text: str, fact: str) -> int:
    """How many elements carry the class ``fact``."""
    return len(re.findall(rf'class="{re.escape(fact)}"', svg_text))


def fact_texts(svg_text: str, fact: str) -> list[str]:
    """The texts drawn with gid ``fact``, in drawing order."""
    return [t for g in re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>', svg_text, re.S) for t in svg_texts(g)]


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text.replace("−", "-"))]


# ---- every figure: renders in one language, fits a phone, small ------------------------------------
def test_every_question_has_at_least_two_figures():
    for q in MINE:
        assert sum(k.startswith(q + "/") for k in KEYS) >= 2, q


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_renders_in_its_language_fits_a_phone_and_is_small(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts, f"{key} has no text"
    assert untranslated(texts, lang, keep_words(key)) == [], f"{key} ({lang})"
    assert fig.min_font >= MIN_FONT, f"{key}: {fig.min_font} px text"
    assert fig.width * 11 / fig.min_font <= PHONE_PX, f"{key}: {fig.width} px wide with {fig.min_font} px text"
    assert len(fig.svg.encode()) < MAX_SVG_BYTES, f"{key} ({lang}): {len(fig.svg.encode())} bytes"
    assert "$" not in "".join(texts), f"{key}: mathtext sets glyphs one by one; use Unicode"


@pytest.mark.parametrize("key", KEYS)
def test_both_languages_show_the_same_decimals(key):
    """Labels differ by language; the computed values a figure prints must not."""
    zh, en = (sorted(x for t in svg_texts(svg(key, lang)) for x in DECIMAL_RE.findall(t)) for lang in LANGS)
    assert zh == en


def test_a_label_in_the_wrong_language_is_caught(monkeypatch):
    monkeypatch.setitem(q29.LABELS["zh"], "concat", "concatenate")
    texts = svg_texts(render("q29/unet-fpn", "zh").svg)
    assert untranslated(texts, "zh", keep_words("q29/unet-fpn")) == ["concatenate"]


def test_a_missing_chinese_label_fails_the_render(monkeypatch):
    monkeypatch.delitem(q28.LABELS["zh"], "sol-l1")
    with pytest.raises(FigureError, match="q28/l1-l2: no 'zh' label 'sol-l1'"):
        render("q28/l1-l2", "zh")


# ---- placement: once per page, in the detailed section, alt numbers shown ----------------------------


def shown_decimals(key: str, lang: str) -> set[str]:
    return {x for t in svg_texts(svg(key, lang)) for x in DECIMAL_RE.findall(t)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section_with_shown_numbers(key, lang):
    text = page(key[:3], lang).read_text(encoding="utf-8")
    assert placement_problems(text, key, lang, shown_decimals(key, lang)) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("q", MINE)
def test_every_figure_line_names_a_registered_figure(q, lang):
    lines = page(q, lang).read_text(encoding="utf-8").split("\n")
    keys = [m["key"] for line in lines if (m := FIGURE_LINE_RE.match(line))]
    assert sorted(keys) == sorted(k for k in KEYS if k.startswith(q + "/"))


def test_placement_faults_are_caught():
    """Planted faults: a number the figure does not show, a line glued to a paragraph, a line
    moved into the code section, an English caption on the Chinese page, a figure placed twice."""
    key = "q28/adamw"
    text = page("q28", "en").read_text(encoding="utf-8")
    shown = shown_decimals(key, "en")
    line = next(x for x in text.split("\n") if f"(figure:{key} " in x)
    assert placement_problems(text, key, "en", shown) == []
    assert placement_problems(text.replace(line, line.replace("0.97", "0.96")), key, "en", shown) == [
        f"{key}: alt text states ['0.96'], not in the figure"
    ]
    assert placement_problems(text.replace("\n\n" + line, "\n" + line), key, "en", shown) == [
        f"{key}: not a paragraph of its own"
    ]
    moved = text.replace("\n\n" + line, "").replace("## Code\n", "## Code\n\n" + line + "\n")
    assert placement_problems(moved, key, "en", shown) == [f"{key}: outside the ## In depth section"]
    zh = page("q28", "zh").read_text(encoding="utf-8")
    zh_line = next(x for x in zh.split("\n") if f"(figure:{key} " in x)
    assert placement_problems(zh.replace(zh_line, line), key, "zh", shown) == [f"{key}: alt text or caption not in zh"]
    assert placement_problems(text + "\n" + line + "\n", key, "en", shown) == [f"{key} placed 2 times"]


# ---- the figures compute what the pages' code computes ---------------------------------------------
def test_q26_figures_use_the_page_functions():
    code = page_code("q26")
    z = code["z"]
    assert np.allclose(q26.gelu(z), code["gelu"])
    derivatives = {name: df for _, funcs in q26.FAMILIES for name, _, df in funcs}
    assert np.allclose(derivatives["sigmoid"](z), code["d_sig"])
    assert np.allclose(derivatives["tanh"](z), code["d_tanh"])
    assert np.array_equal(q26.XOR_X, code["X"]) and np.array_equal(q26.XOR_T, code["t"])
    pred, mse = q26.xor_linear()
    assert math.isclose(mse, code["mse_linear"]) and np.allclose(pred, code["A"] @ code["coef"])
    assert np.allclose(q26.xor_relu(code["s"]), code["xor_relu"])
    # the page's finite-difference maximum slope of GELU is the figure's peak
    assert abs(np.gradient(code["gelu"], z).max() - q26.extremum("gelu", "max-grad")[1]) < 1e-4
    assert abs(code["gelu"].min() - q26.extremum("gelu", "min")[1]) < 1e-6


def test_q27_figures_use_the_page_example():
    code = page_code("q27")
    ex = q27.page_example()
    for name in ("x", "y", "x2", "W"):
        assert np.array_equal(ex[name], code[name]), name
    s = code["s"]
    assert np.allclose(ex["d_conv"], code["conv2d"](code["x2"], code["W"], s) - code["conv2d"](code["x"], code["W"], s))
    assert np.allclose(ex["d_pool"], code["max_pool"](code["x2"], 3, s) - code["max_pool"](code["x"], 3, s))
    assert np.array_equal(q27.avg_pool_weights(), code["W_diag"])
    window = code["x"][0][q27.TREE_WINDOW]
    assert math.isclose(q27.max_tree(window)[-1][2], code["max_pool"](code["x"][:1, :2, :2], 2, 2)[0, 0, 0])


def test_q28_figures_use_the_page_runs():
    code = page_code("q28")
    runs = q28.page_runs()
    assert np.allclose(runs["l2"][-1], code["l2"]) and np.allclose(runs["adamw"][-1], code["adamw"])
    assert np.array_equal(runs["h"], code["h"]) and np.allclose(runs["h_drop"], code["h_drop"])
    assert code["p"] == q28.P_DROP


def test_q29_figures_use_the_page_blocks():
    code = page_code("q29")
    assert q29.dense_input_channels(code["L"], code["k0"], code["k"]) == code["in_ch"]
    assert len(q29.connections("dense", code["L"])) == code["n_conn"]
    x0, ws, bs = q29.page_cross()
    assert np.array_equal(x0, code["x0"]) and np.array_equal(ws, code["ws"]) and np.array_equal(bs, code["bs"])
    for n in range(1, code["n_layers"] + 1):
        assert np.allclose(q29.cross(x0, n, ws, bs), code["cross"](x0, n))


def test_q30_figures_use_the_page_runs():
    code = page_code("q30")
    runs = q30.page_runs()
    assert list(q30.INITS) == ["small", "xavier", "he", "large"]  # the page's order
    for (name, mine), (label, theirs) in zip(runs["runs"].items(), code["r"].items(), strict=True):
        assert np.allclose(mine, theirs), (name, label)
    z = code["z"]
    assert math.isclose(runs["ratio"], float(np.mean(np.maximum(z, 0) ** 2) / np.var(z)))
    assert np.allclose(q30.symmetry_example()["const"], code["dW1"])


# ---- facts read back from the SVG against formulas computed here ----------------------------------------
def phi(z):
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))


def activation_peak_problems(svg_text: str) -> list[str]:
    """q26/activations: the printed derivative maxima against finite differences of the
    definitions written out here (Sigmoid 1/(1+e⁻ᶻ), tanh, GELU z·Φ(z), SiLU z·σ(z))."""
    z = np.linspace(-6, 6, 120_001)
    sig = 1 / (1 + np.exp(-z))
    curves = {"sigmoid": sig, "tanh": np.tanh(z), "gelu": z * phi(z), "silu": z * sig}
    problems = []
    for name, f in curves.items():
        want = f"{np.gradient(f, z).max():.2f}"
        got = [x for t in fact_texts(svg_text, f"fact-peak-{name}") for x in DECIMAL_RE.findall(t)]
        if got != [want]:
            problems.append(f"{name}: figure says {got}, the derivative peaks at {want}")
    return problems


def test_q26_derivative_peaks_read_back():
    assert activation_peak_problems(svg("q26/activations")) == []
    assert activation_peak_problems(svg("q26/activations", "zh")) == []


@pytest.fixture
def fresh_extrema():
    q26.extremum.cache_clear()
    yield
    q26.extremum.cache_clear()


def test_q26_a_wrong_gelu_derivative_is_caught(monkeypatch, fresh_extrema):
    """Planted fault: GELU′ written as Φ(z) alone (the z·φ(z) term forgotten)."""
    monkeypatch.setattr(q26, "gelu_grad", q26.phi)
    problems = activation_peak_problems(render("q26/activations", "en").svg)
    assert problems == ["gelu: figure says ['1.00'], the derivative peaks at 1.13"]


def test_q26_gelu_and_silu_minima_read_back():
    z = np.linspace(-4, 0, 400_001)
    s = svg("q26/gates")
    for name, f in (("gelu", z * phi(z)), ("silu", z / (1 + np.exp(-z)))):
        (text,) = fact_texts(s, f"fact-min-{name}")
        assert numbers(text) == [round(f.min(), 2)]
    assert fact_texts(s, "fact-min-gelu") == ["min −0.17"] and fact_texts(s, "fact-min-silu") == ["min −0.28"]


def test_q26_xor_errors():
    (lin,) = fact_texts(svg("q26/xor"), "fact-mse-linear")
    (net,) = fact_texts(svg("q26/xor"), "fact-mse-relu")
    # least squares on the four XOR points: by symmetry w = 0 and c = the mean target 1/2
    assert numbers(lin) == [np.mean((np.array([0, 1, 1, 0]) - 0.5) ** 2)] == [0.25]
    assert numbers(net) == [0]
    assert fact_texts(svg("q26/xor"), "fact-linear-pred") == ["0.50"] * 4


def test_q27_weights_and_parameter_counts():
    s = svg("q27/weights")
    c_in = c_out = 4
    k = 3
    (conv,) = fact_texts(s, "fact-params-conv")
    (pool,) = fact_texts(s, "fact-params-avg")
    assert numbers(conv) == [c_out * (c_in * k * k + 1)] and numbers(pool) == [0]
    values = fact_texts(s, "fact-avg-value")
    expected = [f"1/{k * k}" if o == c else "0" for o in range(c_out) for c in range(c_in)]
    assert values == expected


def test_q27_channel_mixing_counts():
    """A conv output channel changes when input channel 0 changes iff its kernel from channel 0 is
    not all zero; a pooling output channel o reads input channel o only."""
    w = q27.page_example()["W"]
    s = svg("q27/channel-mixing")
    assert count(s, "fact-changed-conv") == int(np.sum(np.abs(w[:, 0]).sum(axis=(1, 2)) > 0)) == 4
    assert count(s, "fact-changed-pool") == 1 and count(s, "fact-unchanged-pool") == 3


def test_q27_max_tree_gives_the_window_maximum():
    window = np.random.default_rng(0).standard_normal((4, 9, 9))[0][:2, :2]  # the page's first draw
    (text,) = fact_texts(svg("q27/max-tree"), "fact-max")
    assert numbers(text)[-1] == round(float(window.max()), 2)
    nodes = [numbers(t) for t in fact_texts(svg("q27/max-tree"), "fact-node")]
    assert [n[-1] for n in nodes] == [round(v, 2) for v in (window[0].max(), window[1].max(), window.max())]
    assert all(n[1] >= 0 for n in nodes)  # what ReLU passes on is never negative


def l1_l2_problems(svg_text: str) -> list[str]:
    """q28/l1-l2: the printed constrained minima against a dense scan of each boundary."""
    theta = np.linspace(0, 2 * np.pi, 400_001)
    ring = np.c_[np.cos(theta), np.sin(theta)]
    diamond = ring / np.abs(ring).sum(1, keepdims=True)
    d = lambda w: np.einsum("ni,ij,nj->n", w - q28.W_STAR, q28.HESS, w - q28.W_STAR)  # noqa: E731
    problems = []
    for name, boundary in (("l1", diamond), ("l2", ring)):
        best = boundary[np.argmin(d(boundary))]
        (text,) = fact_texts(svg_text, f"fact-sol-{name}")
        got = numbers(text)
        if not np.allclose(got, best, atol=0.006):
            problems.append(f"{name}: figure says {got}, the minimum is at {best.round(3).tolist()}")
    return problems


def test_q28_constrained_minima_read_back():
    assert l1_l2_problems(svg("q28/l1-l2")) == []
    assert fact_texts(svg("q28/l1-l2"), "fact-sol-l1") == ["solution (0.00, 1.00)"]  # a corner: w₁ = 0


def test_q28_a_wrong_l1_solution_is_caught(monkeypatch):
    """Planted fault: the L1 'solution' is the L2 one scaled onto the diamond (no corner)."""
    monkeypatch.setattr(q28, "l1_solution", lambda t=1.0: q28.l2_solution(t) / np.abs(q28.l2_solution(t)).sum())
    problems = l1_l2_problems(render("q28/l1-l2", "en").svg)
    assert len(problems) == 1 and problems[0].startswith("l1:")


def test_q28_adamw_ends_and_dropout_scaling():
    s = svg("q28/adamw")
    decayed = (1 - 1e-3 * 0.1) ** 3000  # AdamW: (1 − ηλ)^T
    assert fact_texts(s, "fact-end-adamw-0") == fact_texts(s, "fact-end-adamw-1") == [f"{decayed:.2f}"]
    big, small = (numbers(fact_texts(s, f"fact-end-adam-l2-{k}")[0])[0] for k in (0, 1))
    assert big > 0.95 and small < 0.05  # the page's asserts
    d = svg("q28/dropout")
    h, mask, out = (np.array([numbers(t)[0] for t in fact_texts(d, f"fact-{n}")]) for n in ("h", "mask", "scaled"))
    assert set(mask) <= {0, 1} and np.allclose(out, h * mask / 0.7, atol=0.0125)  # h is shown rounded to 0.005
    assert "≈ 1.43" in "".join(svg_texts(d)) and round(1 / 0.7, 2) == 1.43


def topology_problems(svg_text: str) -> list[str]:
    """q29/topologies: L(L+1)/2 dense connections for L = 4, and each dense layer's input channels
    k0 + (ℓ − 1)k with the page's k0 = 64, k = 32."""
    layers, k0, k = 4, 64, 32
    problems = []
    dense = count(svg_text, "fact-layer-dense") + count(svg_text, "fact-skip-dense")
    if dense != layers * (layers + 1) // 2:
        problems.append(f"dense: {dense} connections drawn, L(L+1)/2 = {layers * (layers + 1) // 2}")
    (title,) = fact_texts(svg_text, "fact-title-dense")
    if numbers(title) != [layers * (layers + 1) // 2]:
        problems.append(f"dense title says {numbers(title)}")
    channels = [numbers(t)[0] for t in fact_texts(svg_text, "fact-dense-channels")]
    if channels != [k0 + (ell - 1) * k for ell in range(1, layers + 1)]:
        problems.append(f"dense channels {channels}")
    if count(svg_text, "fact-layer-chain") != layers or count(svg_text, "fact-shortcut-residual") != layers:
        problems.append("chain or residual: one layer arrow and one shortcut per layer expected")
    return problems


def test_q29_topologies_read_back():
    assert topology_problems(svg("q29/topologies")) == []


def test_q29_a_dense_block_without_long_skips_is_caught(monkeypatch):
    """Planted fault: the dense block drawn as a chain (only neighbouring connections)."""
    real = q29.connections
    monkeypatch.setattr(q29, "connections", lambda kind, layers=4: real("chain" if kind == "dense" else kind, layers))
    problems = topology_problems(render("q29/topologies", "en").svg)
    assert problems[:2] == ["dense: 4 connections drawn, L(L+1)/2 = 10", "dense title says [4.0]"]


def test_q29_resolutions_and_cross_degrees():
    s = svg("q29/unet-fpn")
    assert fact_texts(s, "fact-fpn-res") == [f"1/{2**i}" for i in (5, 4, 3, 2)]  # C5 drawn first
    assert fact_texts(s, "fact-unet-res") == ["1", "1/2", "1/4", "1/8"]
    assert count(s, "fact-unet-skip") == 3 and count(s, "fact-fpn-lateral") == 4
    c = svg("q29/cross-layer")
    layers = [numbers(t)[0] for t in fact_texts(c, "fact-layers")]
    assert [numbers(t)[0] for t in fact_texts(c, "fact-degree")] == [n + 1 for n in layers] == [2, 3, 4]
    (params,) = fact_texts(c, "fact-params")
    assert numbers(params)[:2] == [2, 2 * 6]  # "2d = 12"


SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def parse_power(text: str) -> float:
    """A value as the figure prints it: "0.55", "10²⁰" or "5·10⁻⁷⁹"."""
    m = re.fullmatch(r"(?:(\d+)·)?10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    if m:
        return float(m.group(1) or 1) * 10 ** int(m.group(2).translate(SUPERSCRIPTS))
    return float(text)


def test_q30_variance_factors_and_ends():
    s = svg("q30/variance-depth")
    n = 512
    stds = {"small": 0.01, "xavier": math.sqrt(2 / (2 * n)), "he": math.sqrt(2 / n), "large": 0.1}
    for name, std in stds.items():
        c = n * std**2 / 2  # E[relu(z)²] = Var(z)/2: the variance factor of one layer
        (text,) = fact_texts(s, f"fact-factor-{name}")
        assert numbers(text) == [float(f"{c:.3g}")], name
        (end,) = fact_texts(s, f"fact-end-{name}")
        value = parse_power(end)
        assert abs(math.log10(value) - 49 * math.log10(c)) < 2, (name, end)  # 49 steps after layer 1


def test_q30_relu_half_and_symmetry():
    (text,) = fact_texts(svg("q30/relu-half"), "fact-ratio")
    assert abs(numbers(text)[-1] - 0.5) < 0.01
    s = svg("q30/symmetry")
    const = np.array([numbers(t)[0] for t in fact_texts(s, "fact-grad-const")]).reshape(4, 8)
    rand = np.array([numbers(t)[0] for t in fact_texts(s, "fact-grad-random")]).reshape(4, 8)
    assert (const == const[:, :1]).all() and np.abs(const).max() > 0  # identical, non-zero columns
    assert len({tuple(col) for col in rand.T}) == 8  # random: every column different

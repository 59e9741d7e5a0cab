"""Figures of questions 6–10: each renders in both languages without the other language's text,
stays small and readable, is placed in both pages; its numbers are what the page's own code
computes; and facts read back from the SVG agree with formulas computed here independently.
Each checker is also shown to fail on a planted fault."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks, nn
from dlie.figures import (
    FigureError,
    keep_words,
    load_all,
    q06,
    q07,
    q08,
    q09,
    q10,
    render,
    svg_texts,
    untranslated,
)
from dlie.figures.style import MIN_FONT_PX
from figcheck import built

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
MINE = ("q06", "q07", "q08", "q09", "q10")
KEYS = sorted(k for k in load_all() if k[:3] in MINE)
LANGS = ("zh", "en")
MAX_WIDTH_PX = 460.8  # 6.4 in at 72 dpi: fits a phone with readable text
MAX_SVG_BYTES = 25_000
FIGURE_LINE_RE = re.compile(r'^!\[(?P<alt>[^\]]+)\]\(figure:(?P<key>[^ )]+) "(?P<caption>[^"]+)"\)$')
DETAIL = {"zh": ("## 详解", "## 代码"), "en": ("## In depth", "## Code")}


def page(q: str, lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"{q[1:]}-*.{lang}.md")
    return path


@functools.cache
def page_code(q: str, lang: str) -> dict:
    """The globals of the page's runnable code block (its functions and example values)."""
    (block,) = codeblocks.runnable_blocks(page(q, lang))
    return codeblocks.definitions(block)


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


def count(svg_text: str, fact: str) -> int:
    """How many elements carry the ``fact-…`` class."""
    return len(re.findall(rf'class="{re.escape(fact)}"', svg_text))


def fact_texts(svg_text: str, fact: str) -> list[str]:
    """The texts of the text elements drawn with gid ``fact``, in drawing order."""
    return [t for m in re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>', svg_text) for t in svg_texts(m)]


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text.replace("−", "-"))]


# ---- every figure: renders, one language, readable, small ----------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_renders_in_one_language_readable_and_small(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts, f"{key} has no text"
    assert untranslated(texts, lang, keep_words(key)) == []
    assert fig.min_font >= MIN_FONT_PX
    assert fig.width <= MAX_WIDTH_PX + 0.5
    assert len(fig.svg.encode()) < MAX_SVG_BYTES, f"{key} ({lang}): {len(fig.svg.encode())} bytes"


def test_each_question_has_at_least_two_figures():
    for q in MINE:
        assert sum(k.startswith(q + "/") for k in KEYS) >= 2, q


def test_a_label_in_the_wrong_language_is_caught(monkeypatch):
    monkeypatch.setitem(q09.LABELS["zh"], "laplace", "Laplacian")
    texts = svg_texts(render("q09/filter-bank", "zh").svg)
    assert untranslated(texts, "zh", keep_words("q09/filter-bank")) == ["Laplacian"]


def test_a_missing_chinese_label_fails_the_render(monkeypatch):
    monkeypatch.delitem(q07.LABELS["zh"], "conv")
    with pytest.raises(FigureError, match="q07/connectivity: no 'zh' label 'conv'"):
        render("q07/connectivity", "zh")


# ---- placement: one line per figure in both pages, in the detailed section ----------------------
def placement_problems(text: str, key: str, lang: str) -> list[str]:
    """What is wrong with how a page places figure ``key``: it must appear once, as a line of its
    own between blank lines, inside the detailed section, with alt text and a caption."""
    lines = text.split("\n")
    where = [i for i, line in enumerate(lines) if f"(figure:{key} " in line]
    if len(where) != 1:
        return [f"{key} placed {len(where)} times"]
    i = where[0]
    problems = []
    m = FIGURE_LINE_RE.match(lines[i])
    if not m or m["key"] != key or not m["alt"].strip() or not m["caption"].strip():
        problems.append(f'{key}: not a ![alt](figure:key "caption") line')
    if not (lines[i - 1].strip() == "" and i + 1 < len(lines) and lines[i + 1].strip() == ""):
        problems.append(f"{key}: not a paragraph of its own")
    start, end = (next(j for j, line in enumerate(lines) if line.startswith(h)) for h in DETAIL[lang])
    if not start < i < end:
        problems.append(f"{key}: outside the {DETAIL[lang][0]} section")
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section(key, lang):
    assert placement_problems(page(key[:3], lang).read_text(encoding="utf-8"), key, lang) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("q", MINE)
def test_every_figure_line_names_a_registered_figure(q, lang):
    keys = [
        m["key"] for line in page(q, lang).read_text(encoding="utf-8").split("\n") if (m := FIGURE_LINE_RE.match(line))
    ]
    assert keys and set(keys) <= set(KEYS)


def test_a_misplaced_figure_is_caught():
    text = page("q06", "en").read_text(encoding="utf-8")
    line = next(line for line in text.split("\n") if "(figure:q06/dilation " in line)
    glued = text.replace("\n\n" + line, "\n" + line)  # no blank line before it
    assert placement_problems(glued, "q06/dilation", "en") == ["q06/dilation: not a paragraph of its own"]
    moved = text.replace("\n\n" + line, "").replace("## Code\n", "## Code\n\n" + line + "\n")
    assert placement_problems(moved, "q06/dilation", "en") == ["q06/dilation: outside the ## In depth section"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_numbers_in_alt_text_are_the_figures(key, lang):
    """Decimal numbers the alt text states (for a screen reader) are numbers the figure shows."""
    line = next(x for x in page(key[:3], lang).read_text(encoding="utf-8").split("\n") if f"(figure:{key} " in x)
    stated = [x for x in re.findall(r"−?\d+\.\d+", FIGURE_LINE_RE.match(line)["alt"])]
    shown = {x for text in svg_texts(svg(key, lang)) for x in re.findall(r"−?\d+\.\d+", text)}
    assert set(stated) <= shown


# ---- the figures compute what the pages' code computes -------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_q06_figures_agree_with_the_page_code(lang):
    code = page_code("q06", lang)
    out_size = code["out_size"]
    for s, p in q06.WINDOW_CASES:
        assert len(q06.window_starts(q06.N, q06.K, s, p)) == out_size(q06.N, q06.K, s, p)
    assert len(q06.window_starts(6, 3, 2, 0)) == out_size(6, 3, 2) == 2  # the dropped column's example
    assert len(q06.window_starts(6, 3, 2, 0, ceil_mode=True)) == code["oc"] == 3  # its ceil_mode window
    for d in (1, 2, 3):  # a dilated 3×3 kernel acts like a kernel of its span
        span = q06.dilated_taps(3, d)[-1] + 1
        assert out_size(64, 3, 1, 0, d) == out_size(64, span, 1, 0)


@pytest.mark.parametrize("lang", LANGS)
def test_q07_weight_matrix_is_the_page_codes(lang):
    conv2d = page_code("q07", lang)["conv2d"]  # (C, H, W) input, (O, C, k, k) kernels
    side, k = q07.SIDE, q07.K2
    w = np.arange(1, k * k + 1, dtype=float).reshape(1, 1, k, k)
    cols = [conv2d(e.reshape(1, side, side), w).ravel() for e in np.eye(side * side)]
    assert np.array_equal(q07.conv_matrix(side, k), np.stack(cols, axis=1))


@pytest.mark.parametrize("lang", LANGS)
def test_q08_figures_use_the_page_example(lang):
    code = page_code("q08", lang)
    ex = q08.max_pool_example()
    for name in ("x", "y", "g", "dx"):
        assert np.allclose(ex[name], code[name]), name
    rng = np.random.default_rng(1)
    for n, out in q08.ADAPTIVE_CASES:
        x = rng.standard_normal((n, n))
        wins = q08.adaptive_windows(n, out)
        means = [[x[a:b, c:d].mean() for c, d in wins] for a, b in wins]
        assert np.allclose(code["adaptive_avg"](x, out), means)
    maps = q08.shift_example()
    assert np.array_equal(maps[0][0], code["a"])
    for m, pooled in maps:
        assert np.array_equal(pooled, code["maxpool"](m)[0])


@pytest.mark.parametrize("lang", LANGS)
def test_q09_figures_use_the_page_kernels_and_example(lang):
    code = page_code("q09", lang)
    assert np.array_equal(q09.SOBEL, code["sobel"])
    assert np.array_equal(q09.LAPLACE, code["lap"])
    assert np.allclose(q09.BOX, code["box"])
    step = q09.step_image()
    assert np.array_equal(step, code["img"])
    assert np.array_equal(nn.conv2d(step, q09.SOBEL), code["gx"])
    assert np.array_equal(q09.true_conv_valid(step, q09.SOBEL), code["conv"](step, code["sobel"])[2:-2, 2:-2])
    square = q09.square_image()
    for name, kernel, scale in q09.BANK:
        assert np.allclose(q09.responses(square)[name], code["xcorr"](square, kernel / scale)), name
    for kernel, page_gain in ((q09.BOX, code["Hb"]), (q09.LAPLACE, code["Hl"]), (q09.SOBEL, code["Hs"])):
        assert np.allclose(q09.horizontal_gain(kernel, 32)[1], page_gain[0, :17])


@pytest.mark.parametrize("lang", LANGS)
def test_q10_figures_use_the_page_example(lang):
    code = page_code("q10", lang)
    ex = q10.head_example()
    for name in ("f", "Wc", "b", "z", "p", "y", "cam"):
        assert np.allclose(ex[name], code[name]), name


# ---- facts read back from the SVG agree with formulas computed here ------------------------------
def out_len(n: int, k: int, s: int, p: int) -> int:
    """Windows of size k that fit in n + 2p positions at stride s, counted one by one."""
    return len(range(0, n + 2 * p - k + 1, s))


def windows_mismatches(svg_text: str) -> list[str]:
    """q06/windows: one bracket per window, as many as fit in a row of 5 with k = 3."""
    return [
        f"s={s} p={p}: {count(svg_text, f'fact-win-s{s}-p{p}')} windows drawn, {out_len(5, 3, s, p)} fit"
        for s, p in ((1, 0), (1, 1), (2, 0), (2, 1))
        if count(svg_text, f"fact-win-s{s}-p{p}") != out_len(5, 3, s, p)
    ]


def test_q06_windows_drawn_match_the_count():
    assert windows_mismatches(svg("q06/windows")) == []


def test_q06_windows_with_a_planted_wrong_input_size_is_caught(monkeypatch):
    monkeypatch.setattr(q06, "N", 6)  # the figure would draw a row of 6 while the page says 5
    assert len(windows_mismatches(render("q06/windows", "en").svg)) == 2  # stride 1 gives one more window


def test_q06_stride_padding_cells():
    s = svg("q06/stride-padding")
    side = (5 - 3 + 2 * 1) // 2 + 1
    assert count(s, "fact-out-cell") == side * side == 9
    assert count(s, "fact-in-cell") == 25 and count(s, "fact-pad-cell") == 7 * 7 - 25


def test_q06_coverage_numbers_are_window_counts():
    shown = [int(x) for x in svg_texts(svg("q06/coverage")) if x.isdigit()]
    for panel, p in enumerate((0, 1, 2)):
        expected = np.zeros((5, 5), int)
        for a in range(-p, 5 + p - 3 + 1):  # every 3×3 window on the padded 5×5 input, stride 1
            for b in range(-p, 5 + p - 3 + 1):
                expected[max(a, 0) : a + 3, max(b, 0) : b + 3] += 1
        assert shown[panel * 25 : (panel + 1) * 25] == expected.ravel().tolist(), f"p={p}"


def test_q06_floor_drop_counts():
    s = svg("q06/floor-drop")
    assert count(s, "fact-win-floor") == math.floor((6 - 3) / 2) + 1 == 2
    assert count(s, "fact-win-ceil") == math.ceil((6 - 3) / 2) + 1 == 3
    assert count(s, "fact-unread") == 6 - ((2 - 1) * 2 + 3) == 1


def test_q06_dilation_spans():
    spans = [numbers(x)[1] for x in svg_texts(svg("q06/dilation")) if x.startswith("d=")]
    assert spans == [d * (3 - 1) + 1 for d in (1, 2, 3)]


def test_q07_connectivity_edges():
    s = svg("q07/connectivity")
    n_out = 6 - 3 + 1
    assert count(s, "fact-fc-edge") == 6 * n_out
    assert count(s, "fact-conv-edge") == 3 * n_out


def test_q07_weight_matrix_counts():
    (title,) = [x for x in svg_texts(svg("q07/weight-matrix")) if "non-zeros" in x]
    nz, total, distinct = numbers(title)
    rows = (4 - 2 + 1) ** 2
    assert (nz, total, distinct) == (rows * 2 * 2, rows * 16, 2 * 2)


def max_grad_mismatches(svg_text: str) -> list[str]:
    """q08/max-grad: the 36 cells of ∂L/∂x show g at each 2×2 window's argmax and 0 elsewhere,
    routed here by brute force from the page's random draws (seed 0: x, then g)."""
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((6, 6)), rng.standard_normal((3, 3))
    dx = np.zeros((6, 6))
    for i in range(3):
        for j in range(3):
            best = max(((2 * i + u, 2 * j + v) for u in range(2) for v in range(2)), key=lambda rc: x[rc])
            dx[best] = g[i, j]
    expected = ["0" if v == 0 else f"{v:.1f}".replace("-", "−") for v in dx.ravel()]
    cells = re.findall(r'<g class="fact-(?:value|zero)">(.*?)</g>', svg_text)[-36:]  # ∂L/∂x is drawn last
    shown = [t for m in cells for t in svg_texts(m)]
    return [f"cell {i}: {a} != {b}" for i, (a, b) in enumerate(zip(shown, expected, strict=True)) if a != b]


def test_q08_max_grad_routes_to_the_argmax():
    assert max_grad_mismatches(svg("q08/max-grad")) == []


def test_q08_max_grad_with_a_planted_wrong_routing_is_caught(monkeypatch):
    real = q08.max_pool_example()

    def top_left():  # routes every gradient to its window's top-left cell instead of the argmax
        dx = np.zeros_like(real["x"])
        dx[::2, ::2] = real["g"]
        return {**real, "dx": dx}

    monkeypatch.setattr(q08, "max_pool_example", top_left)
    assert max_grad_mismatches(render("q08/max-grad", "en").svg)


def test_q08_overlap_counts():
    s = svg("q08/overlap")
    assert count(s, "fact-win-6") == (6 - 2) // 2 + 1  # the first row of windows
    assert count(s, "fact-win-7") == (7 - 3) // 2 + 1
    cells = [int(x) for x in svg_texts(s) if x.isdigit()]
    assert cells[:36] == [1] * 36  # 2×2 stride 2 tiles the 6×6 map
    assert sorted(set(cells[36:])) == [1, 2, 4] and len(cells[36:]) == 49


def test_q08_shift_outcomes():
    def pool(m):  # 2×2 stride-2 max pooling, written out
        return [[m[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max() for j in range(3)] for i in range(3)]

    a = np.zeros((6, 6))
    a[1, 1] = 5
    left, right = np.zeros((6, 6)), np.zeros((6, 6))
    left[1, 0], right[1, 2] = 5, 5
    s = svg("q08/shift")
    assert (pool(left) == pool(a), pool(right) == pool(a)) == (True, False)
    assert count(s, "fact-same") == 1 and count(s, "fact-changed") == 1
    assert s.index('class="fact-same"') < s.index('class="fact-changed"')  # left panel first


def test_q09_polarity_numbers():
    step = np.zeros((6, 8))
    step[:, 4:] = 10
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    xcorr = np.array([[np.sum(sobel * step[i : i + 3, j : j + 3]) for j in range(6)] for i in range(4)])
    s = svg("q09/polarity")
    assert [numbers(x)[0] for x in fact_texts(s, "fact-xcorr")] == xcorr.ravel().tolist()
    assert [numbers(x)[0] for x in fact_texts(s, "fact-conv")] == (-xcorr).ravel().tolist()
    assert set(xcorr.ravel()) == {0, 40}


def test_q10_head_parameter_counts():
    vgg = (7 * 7 * 512 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000)
    resnet = 2048 * 1000 + 1000
    s = svg("q10/heads")
    assert numbers(fact_texts(s, "fact-vgg-label")[0]) == [round(vgg / 1e6)]
    assert numbers(fact_texts(s, "fact-resnet-label")[0]) == [round(resnet / 1e6, 2)]
    zh = svg("q10/heads", "zh")
    assert numbers(fact_texts(zh, "fact-vgg-label")[0]) == [round(vgg / 1e8, 2)]
    assert numbers(fact_texts(zh, "fact-resnet-label")[0]) == [round(resnet / 1e4)]


def test_q10_cam_mean_plus_bias_is_the_logit():
    rng = np.random.default_rng(0)
    f = rng.standard_normal((8, 4, 4))
    w, b = rng.standard_normal((5, 8)), rng.standard_normal(5)
    cam = sum(w[2, k] * f[k] for k in range(8))
    z = w[2] @ f.mean(axis=(1, 2)) + b[2]
    (logit,) = fact_texts(svg("q10/cam"), "fact-logit")
    mean, bias, shown_z = numbers(logit)  # "mean of M₂ + b₂ = m + b = z = z₂" (subscripts are not digits)
    assert (mean, bias, shown_z) == (round(cam.mean(), 3), round(b[2], 3), round(z, 3))
    assert [numbers(x)[0] for x in fact_texts(svg("q10/cam"), "fact-weight")] == [round(v, 2) for v in w[2]]

"""Figures of questions 21–25: every figure renders in both languages with no untranslated text,
is legible on a phone and small, is placed once in the detailed section of both pages; its
numbers are what the page's own code computes, and facts read back from the SVG agree with
formulas computed here independently. Each read-back checker is shown to catch a planted fault."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks
from dlie.figures import FigureError, keep_words, load_all, q21, q22, q23, q24, q25, render, svg_texts, untranslated
from figcheck import built

QUESTIONS = Path(__file__).resolve().parents[1] / "docs" / "questions"
NUMBERS = ("21", "22", "23", "24", "25")
KEYS = sorted(k for k in load_all() if k[1:3] in NUMBERS)
LANGS = ("zh", "en")
PHONE_PX = 340  # a figure wider than this at 11 px for its smallest text scrolls on a 375 px phone
MIN_FONT = 12
MAX_SVG_BYTES = 25_000
FIGURE_LINE_RE = re.compile(r'^!\[(?P<alt>[^\]]+)\]\(figure:(?P<key>q\d\d/[a-z0-9-]+) "(?P<caption>[^"]+)"\)$')
DETAIL = {"zh": ("## 详解", "## 代码"), "en": ("## In depth", "## Code")}
CJK_RE = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def svg(key: str, lang: str = "en") -> str:
    return built(key, lang).svg


def page(number: str, lang: str) -> Path:
    (path,) = QUESTIONS.glob(f"{number}-*.{lang}.md")
    return path


@functools.cache
def page_code(number: str, lang: str = "en") -> dict:
    """Globals of the page's runnable code block (the page has one)."""
    (block,) = codeblocks.runnable_blocks(page(number, lang))
    return codeblocks.definitions(block)


def fact_count(svg_text: str, name: str) -> int:
    return len(re.findall(rf'class="{re.escape(name)}"', svg_text))


def fact_texts(svg_text: str, name: str) -> list[str]:
    """Texts of the elements carrying the gid ``name``, in drawing order."""
    groups = re.findall(rf'<g class="{re.escape(name)}">(.*?)</g>', svg_text, re.S)
    return [t for g in groups for t in svg_texts(g)]


def numbers(texts) -> list[float]:
    """Every number in the texts (typographic minus and thousands separators understood)."""
    if isinstance(texts, str):
        texts = [texts]
    return [
        float(m.replace(",", "")) for t in texts for m in re.findall(r"-?\d+(?:,\d{3})*(?:\.\d+)?", t.replace("−", "-"))
    ]


# ---- every figure: renders, translated, legible on a phone, small, placed ----------------------
def test_at_least_two_figures_per_question():
    for n in NUMBERS:
        assert len([k for k in KEYS if k[1:3] == n]) >= 2, f"question {n} needs at least two figures"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_figure_renders_in_its_language_legibly(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts, f"{key} has no text"
    assert untranslated(texts, lang, keep_words(key)) == [], f"{key} ({lang}) has text in another language"
    assert fig.min_font >= MIN_FONT, f"{key}: {fig.min_font}px text"
    assert fig.width * 11 / fig.min_font <= PHONE_PX, f"{key}: {fig.width}px wide with {fig.min_font}px text"
    assert len(fig.svg.encode()) < MAX_SVG_BYTES, f"{key} ({lang}): {len(fig.svg.encode())} bytes"


def placement_problems(text: str, key: str, lang: str) -> list[str]:
    """What is wrong with how a page places figure ``key``: it must appear exactly once, as a
    paragraph of its own inside the detailed section, with alt text and a caption in the page's
    language, and every decimal number of its alt text must be one the figure shows."""
    lines = text.split("\n")
    where = [i for i, line in enumerate(lines) if f"(figure:{key} " in line]
    if len(where) != 1:
        return [f"{key} placed {len(where)} times"]
    i = where[0]
    m = FIGURE_LINE_RE.match(lines[i])
    if not m or m["key"] != key:
        return [f'{key}: not a ![alt](figure:key "caption") line']
    problems = []
    if not (lines[i - 1] == "" and i + 1 < len(lines) and lines[i + 1] == ""):
        problems.append(f"{key}: not a paragraph of its own")
    start, end = (next(j for j, line in enumerate(lines) if line.startswith(h)) for h in DETAIL[lang])
    if not start < i < end:
        problems.append(f"{key}: outside the {DETAIL[lang][0]} section")
    if len(m["alt"]) < 40:
        problems.append(f"{key}: alt text too short to state what the figure shows")
    for part in ("alt", "caption"):
        if bool(CJK_RE.search(m[part])) != (lang == "zh"):
            problems.append(f"{key}: {part} is not in {lang}")
    shown = {x for t in svg_texts(svg(key, lang)) for x in re.findall(r"−?\d+\.\d+", t)}
    missing = sorted(set(re.findall(r"−?\d+\.\d+", m["alt"])) - shown)
    if missing:
        problems.append(f"{key}: alt text states {missing}, not in the figure")
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_the_detailed_section(key, lang):
    assert placement_problems(page(key[1:3], lang).read_text(encoding="utf-8"), key, lang) == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("number", NUMBERS)
def test_every_figure_line_names_one_of_the_question_figures(number, lang):
    text = page(number, lang).read_text(encoding="utf-8")
    placed = [m["key"] for line in text.split("\n") if (m := FIGURE_LINE_RE.match(line))]
    assert sorted(placed) == sorted(k for k in KEYS if k[1:3] == number)


def test_placement_check_catches_faults():
    """Planted faults: a number the figure does not show, a figure glued to a paragraph, a figure
    moved into the code section, an English caption on the Chinese page, a figure placed twice."""
    text = page("21", "en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if "(figure:q21/aliasing " in x)
    key = "q21/aliasing"
    assert placement_problems(text, key, "en") == []
    assert placement_problems(text.replace(line, line.replace("0.25", "0.35")), key, "en") == [
        "q21/aliasing: alt text states ['0.35'], not in the figure"
    ]
    assert placement_problems(text.replace("\n\n" + line, "\n" + line), key, "en") == [
        "q21/aliasing: not a paragraph of its own"
    ]
    moved = text.replace("\n\n" + line, "").replace("## Code\n", "## Code\n\n" + line + "\n")
    assert placement_problems(moved, key, "en") == ["q21/aliasing: outside the ## In depth section"]
    zh = page("21", "zh").read_text(encoding="utf-8")
    zh_line = next(x for x in zh.split("\n") if "(figure:q21/aliasing " in x)
    english_caption = zh_line.rsplit(' "', 1)[0] + ' "An English caption.")'
    assert placement_problems(zh.replace(zh_line, english_caption), key, "zh") == ["q21/aliasing: caption is not in zh"]
    assert placement_problems(text + "\n" + line + "\n", key, "en") == ["q21/aliasing placed 2 times"]


def test_a_missing_or_untranslated_label_is_caught(monkeypatch):
    """Planted faults: a Chinese label left in English is reported; a dropped label fails the
    render naming the figure and the label."""
    monkeypatch.setitem(q24.LABELS["zh"], "input", "input")
    texts = svg_texts(render("q24/stacked-3x3", "zh").svg)
    assert untranslated(texts, "zh", keep_words("q24/stacked-3x3")) == ["input"]
    monkeypatch.delitem(q23.LABELS["zh"], "im2col")
    with pytest.raises(FigureError, match=r"q23/im2col: no 'zh' label 'im2col'"):
        render("q23/im2col", "zh")


# ---- Q21 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_q21_examples_are_the_page_code(lang):
    code = page_code("21", lang)
    sig, sh = q21.signal()
    assert np.array_equal(sig, code["sig"]) and np.array_equal(sh, code["sh"])
    for z in (sig, sh):
        assert np.array_equal(q21.maxpool(z), code["maxpool"](z))
        assert np.array_equal(q21.max_blur_pool(z), code["max_blur_pool"](z))
    ex = q21.page_example()
    for name in ("m", "E", "W1", "w2", "v1", "v2", "Ep"):
        assert np.array_equal(ex[name], code[name]), name
    pooled = q21.poolings(code["E"][q21.USER], code["m"][q21.USER])
    assert np.allclose(pooled["mean-mask"], code["masked_mean"][q21.USER])
    assert np.allclose(pooled["max-mask"], code["masked_max"][q21.USER])
    mb, Ep = code["m"][q21.USER], code["Ep"]
    for v in (code["v1"], code["v2"]):  # the weights drawn, summed over the sequence, are the page's pooling
        for mask in (mb, np.ones(q21.L)):
            assert np.allclose(q21.din_weights(Ep, mask, v, code["W1"], code["w2"]) @ Ep, code["att_pool"](Ep, mask, v))


def aliasing_problems(svg_text: str) -> list[str]:
    """What is wrong with q21/aliasing against the pooling computed here from its definition:
    outputs of max pooling (window 2, stride 2) and of max → [1,2,1]/4 blur → subsample, for the
    period-4 signal and its shift by one, and the largest differences printed."""
    sig = np.tile([1.0, 1.0, 0.0, 0.0], 8)
    problems = []
    for k, z in enumerate((sig, np.roll(sig, 1))):
        pooled = {
            "maxpool": np.array([max(z[i], z[i + 1]) for i in range(0, len(z), 2)]),
            "blurpool": np.array(
                [
                    (max(z[i - 1], z[i]) + 2 * max(z[i], z[(i + 1) % 32]) + max(z[(i + 1) % 32], z[(i + 2) % 32])) / 4
                    for i in range(0, len(z), 2)
                ]
            ),
        }
        for name, want in pooled.items():
            got = numbers(fact_texts(svg_text, f"fact-{name}-{k}"))
            if not np.allclose(got, want[: len(got)]) or len(got) != 4:
                problems.append(f"{name} of input {k}: {got}, expected {want[:4].tolist()}")
    for name, want in (("maxpool", 1.0), ("blurpool", 0.25)):  # the page's asserted differences
        got = numbers(fact_texts(svg_text, f"fact-diff-{name}"))
        if got != [want]:
            problems.append(f"difference after {name}: {got}, expected {want}")
    return problems


def test_q21_aliasing_shows_the_pooled_outputs():
    assert aliasing_problems(svg("q21/aliasing")) == []
    assert aliasing_problems(svg("q21/aliasing", "zh")) == []


def test_q21_aliasing_without_the_blur_is_caught(monkeypatch):
    """Planted fault: the figure's MaxBlurPool forgets the blur (dense max, then subsample)."""
    monkeypatch.setattr(q21, "max_blur_pool", lambda z: np.maximum(z, np.roll(z, -1))[::2])
    problems = aliasing_problems(render("q21/aliasing", "en").svg)
    assert "difference after blurpool: [1.0], expected 0.25" in problems


def test_q21_masked_pooling_shows_right_and_wrong_poolings():
    code = page_code("21")
    E, n = code["E"][q21.USER], int(code["lens"][q21.USER])
    s = svg("q21/masked-pooling")
    expected = {  # computed here: over the real rows only, or naively over all L rows
        "mean-mask": E[:n].mean(axis=0),
        "max-mask": E[:n].max(axis=0),
        "mean-nomask": E.sum(axis=0) / q21.L,
        "max-nomask": np.zeros(q21.D),
    }
    for name, want in expected.items():
        assert np.allclose(numbers(fact_texts(s, f"fact-{name}")), want, atol=0.0051), name
    assert np.allclose(numbers(fact_texts(s, "fact-e")), E.ravel(), atol=0.0051)
    assert not np.allclose(expected["mean-mask"], expected["mean-nomask"], atol=0.01)  # what the figure shows


def test_q21_attention_weights_are_the_page_weights():
    """Each column read back is the page's pooling weight per position: summed with the
    embeddings it gives the page's att_pool; padding weighs 0 only under the mask."""
    code = page_code("21")
    s = svg("q21/attention-weights")
    mb, Ep = code["m"][q21.USER], code["Ep"]
    shown = {
        key: np.array(numbers(fact_texts(s, f"fact-w-{key}"))) for key in ("mean", "cand-a", "cand-a-nomask", "cand-b")
    }
    assert np.allclose(shown["mean"], mb / mb.sum())
    for key, v, mask in (("cand-a", "v1", mb), ("cand-a-nomask", "v1", np.ones(q21.L)), ("cand-b", "v2", mb)):
        h = np.concatenate([Ep, np.broadcast_to(code[v], Ep.shape), Ep * code[v]], axis=-1)
        z = h @ code["W1"]
        weights = np.where(z > 0, z, 0.25 * z) @ code["w2"] * mask  # the page's PReLU score
        assert np.allclose(shown[key], weights, atol=0.0051), key
        assert np.allclose(weights @ Ep, code["att_pool"](Ep, mask, code[v]))
    assert (shown["cand-a"][mb == 0] == 0).all() and (shown["cand-a-nomask"][mb == 0] != 0).all()
    assert not np.allclose(shown["cand-a"], shown["cand-b"])


# ---- Q22 ---------------------------------------------------------------------------------------
def page_table(path: Path) -> list[int]:
    """The weight counts of the page's first table (basic 64, bottleneck 256, basic 256)."""
    return [
        int(m.replace(",", ""))
        for m in re.findall(r"^\|[^|\n]+\|[^|\n]+→[^|\n]+\|\s*([\d,]+)\s*\|$", path.read_text("utf-8"), re.M)
    ][:3]


@pytest.mark.parametrize("lang", LANGS)
def test_q22_block_weights_are_the_page_counts(lang):
    code = page_code("22", lang)
    s = svg("q22/blocks", lang)
    for name, (_, convs) in q22.BLOCKS.items():
        assert numbers(fact_texts(s, f"fact-params-{name}")) == [code["n_params"](*conv) for conv in convs]
    (basic,) = numbers(fact_texts(s, "fact-total-basic"))
    (bottleneck,) = numbers(fact_texts(s, "fact-total-bottleneck"))
    assert basic == code["basic"](64) and bottleneck == code["bottleneck"](256, 64)
    assert page_table(page("22", lang))[:2] == [basic, bottleneck]


TOKEN_RE = re.compile(r"\\operatorname\{(\w+)\}|(W_\d \*)|(x(?:_l)? \+)|(F)(?:\\big)?\(")


def formula_order(formula: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the branch's operations in the order they apply, what applies after the addition) read
    from a residual formula such as ReLU(x + BN(W₂ * ReLU(BN(W₁ * x))))."""
    tokens = []
    for op, conv, add, f in TOKEN_RE.findall(formula):
        tokens.append(op or ("Conv" if conv else "+" if add else f))
    cut = tokens.index("+")
    return tuple(reversed(tokens[cut + 1 :])), tuple(reversed(tokens[:cut]))


def page_orders(path: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """The four orders the page states: the post-activation basic block's formula, the
    pre-activation branch written out (BN → ReLU → …), the post/pre-activation formulas (what
    follows the addition) and the Post-LN/Pre-LN formulas."""
    text = path.read_text(encoding="utf-8")
    displays = re.findall(r"\$\$\n(.*?)\n\$\$", text, re.S)
    basic = next(d for d in displays if d.startswith("y = \\operatorname{ReLU}"))
    act = next(d for d in displays if "\\qquad" in d and "F(x_l)\\big)" in d and "LN" not in d)
    ln = next(d for d in displays if "\\operatorname{LN}\\big(x_l" in d)
    (pre_branch,) = set(re.findall(r"((?:BN|ReLU|Conv)(?: → (?:BN|ReLU|Conv)){5})", text))
    post_act, pre_act = (formula_order(part.split("=", 1)[1]) for part in act.split("\\qquad"))
    post_ln, pre_ln = (formula_order(part.split("=", 1)[1]) for part in ln.split("\\qquad"))
    return {
        "post": (formula_order(basic.split("=", 1)[1])[0], post_act[1]),
        "pre": (tuple(pre_branch.split(" → ")), pre_act[1]),
        "post-ln": post_ln,
        "pre-ln": pre_ln,
    }


def order_problems(svg_texts_by_name: dict, want: dict) -> list[str]:
    return [
        f"{name}: drawn {got}, the page says {want[name]}"
        for name, got in svg_texts_by_name.items()
        if got != want[name]
    ]


def drawn_orders(lang: str) -> dict:
    out = {}
    for key, names in (("q22/activation-order", ("post", "pre")), ("q22/ln-order", ("post-ln", "pre-ln"))):
        s = render(key, lang).svg
        for name in names:
            out[name] = (tuple(fact_texts(s, f"fact-op-{name}")), tuple(fact_texts(s, f"fact-after-{name}")))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_q22_orders_are_the_page_formulas(lang):
    want = page_orders(page("22", lang))
    assert want["post"] == (("Conv", "BN", "ReLU", "Conv", "BN"), ("ReLU",))  # the parser reads the page
    assert order_problems(drawn_orders(lang), want) == []


def test_q22_an_activation_after_the_addition_is_caught(monkeypatch):
    """Planted fault: the pre-activation unit drawn with a ReLU after the addition."""
    monkeypatch.setitem(q22.ORDERS, "pre", (q22.ORDERS["pre"][0], ("ReLU",)))
    problems = order_problems(drawn_orders("en"), page_orders(page("22", "en")))
    assert problems == [
        "pre: drawn (('BN', 'ReLU', 'Conv', 'BN', 'ReLU', 'Conv'), ('ReLU',)), "
        "the page says (('BN', 'ReLU', 'Conv', 'BN', 'ReLU', 'Conv'), ())"
    ]


def test_q22_only_the_units_with_nothing_after_the_addition_keep_a_pure_identity():
    """Run the drawn orders on a vector with a zero last weight layer (a zero-initialized
    branch): a unit with nothing after the addition outputs its input exactly, one with a ReLU or
    an LN after it does not."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=16)
    ops = {
        "BN": lambda v: (v - v.mean()) / (v.std() + 1e-5),
        "LN": lambda v: (v - v.mean()) / (v.std() + 1e-5),
        "ReLU": lambda v: np.maximum(v, 0),
    }
    for name, (branch, after) in q22.ORDERS.items():
        layers = [i for i, op in enumerate(branch) if op in ("Conv", "F")]
        v = x
        for i, op in enumerate(branch):
            if op in ("Conv", "F"):
                v = (np.zeros((16, 16)) if i == layers[-1] else rng.normal(size=(16, 16))) @ v
            else:
                v = ops[op](v)
        out = x + v
        for op in after:
            out = ops[op](out)
        assert np.array_equal(out, x) == (after == ()), name


# ---- Q23 ---------------------------------------------------------------------------------------
def im2col_problems(svg_text: str) -> list[str]:
    """The columns drawn against the page's own im2col of the drawn input (3×3, stride 1)."""
    code = page_code("23")
    x = np.array(numbers(fact_texts(svg_text, "fact-x"))).reshape(1, q23.N, q23.N)
    cols, _, _ = code["im2col"](x, q23.K)
    got = np.array(numbers(fact_texts(svg_text, "fact-col")))
    problems = []
    if got.size != cols.size or not np.array_equal(got.reshape(cols.shape), cols):
        problems.append(f"X_col drawn {got.tolist()}, the page's im2col gives {cols.ravel().tolist()}")
    if numbers(fact_texts(svg_text, "fact-copies")) != [x.size, cols.size]:
        problems.append(f"copies: {fact_texts(svg_text, 'fact-copies')}")
    return problems


def test_q23_im2col_columns_are_the_page_im2col():
    code = page_code("23")
    assert im2col_problems(svg("q23/im2col")) == [] and im2col_problems(svg("q23/im2col", "zh")) == []
    x = code["x"]  # the figure's im2col is the page's on the page's own input, and the GEMM is its conv
    assert np.array_equal(q23.im2col(x, 3), code["im2col"](x, 3)[0])
    w = np.random.default_rng(0).normal(size=(q23.C_OUT, 1, q23.K, q23.K))
    ex = q23.example()
    y = (w.reshape(q23.C_OUT, -1) @ q23.im2col(ex, q23.K)).reshape(q23.C_OUT, 2, 2)
    assert np.allclose(y, code["conv_loop"](ex, w))


def test_q23_im2col_in_the_wrong_order_is_caught(monkeypatch):
    """Planted fault: the windows flattened column by column instead of row by row."""

    def wrong(x, k, s=1):
        windows = [x[:, i : i + k, j : j + k].transpose(0, 2, 1).ravel() for i in range(2) for j in range(2)]
        return np.stack(windows, axis=1)

    monkeypatch.setattr(q23, "im2col", wrong)
    assert any(p.startswith("X_col drawn") for p in im2col_problems(render("q23/im2col", "en").svg))


def test_q23_stride_shift_is_the_page_convolution():
    """The stride-1 outputs drawn are the page's conv_gemm of each (shifted) input, the kept ones
    its stride-2 conv; a shift by 2 moves the kept outputs by one, a shift by 1 changes them."""
    conv_gemm = page_code("23")["conv_gemm"]
    s = svg("q23/stride-shift")
    w = np.zeros((1, 1, 3, 3))
    w[0, 0, 1] = q23.W1D  # a 3×3 kernel whose middle row is the 1-D kernel, on a 3-row input
    kept = {}
    for shift in q23.SHIFTS:
        x = np.zeros((1, 3, q23.N1D))
        x[0, 1] = np.array(numbers(fact_texts(s, f"fact-x-{shift}")))
        dense, strided = conv_gemm(x, w)[0, 0], conv_gemm(x, w, s=2)[0, 0]
        assert numbers(fact_texts(s, f"fact-y-{shift}")) == dense.tolist()
        assert numbers(fact_texts(s, f"fact-head-{shift}"))[-strided.size :] == strided.tolist()
        assert fact_count(s, f"fact-kept-{shift}") == strided.size
        kept[shift] = strided
    assert np.array_equal(kept[2][1:], kept[0][:-1]) and kept[2][0] == 0
    assert not np.array_equal(np.sort(kept[1]), np.sort(kept[0]))


# ---- Q24 ---------------------------------------------------------------------------------------
def filled_area(svg_text: str, gid: str) -> float:
    """Total area of the axis-aligned rectangles (M … L … L … L … z) of the path carrying ``gid``."""
    (d,) = re.findall(rf'<g class="{gid}"><path d="([^"]*)"', svg_text)
    area = 0.0
    for rect in d.split("z")[:-1]:
        pts = np.array([float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", rect)]).reshape(-1, 2)
        area += np.ptp(pts[:, 0]) * np.ptp(pts[:, 1])
    return area


def count_problems(svg_text: str) -> list[str]:
    """Weight counts and shapes printed in q24/kernel-shapes against C_out·(C_in/g)·k² computed
    here, and the weights drawn (filled area) against the count printed."""
    o, c, g = q24.C_OUT, q24.C_IN, q24.GROUPS
    one_weight = filled_area(svg_text, "fact-weights-pointwise") / (o * c)
    want = {"standard": (o, c, 3), "pointwise": (o, c, 1), "grouped": (o, c // g, 3), "depthwise": (o, 1, 3)}
    problems = []
    for kind, (a, b, k) in want.items():
        count = int(numbers(fact_texts(svg_text, f"fact-count-{kind}"))[-1])
        if count != a * b * k * k:
            problems.append(f"{kind}: {count} weights, expected {a * b * k * k}")
        drawn = round(filled_area(svg_text, f"fact-weights-{kind}") / one_weight)
        if drawn != count:  # the filled area, in cells of one weight (a 1×1 kernel's slice)
            problems.append(f"{kind}: {drawn} weights drawn, {count} printed")
        shape = [int(v) for v in re.findall(r"\d+", fact_texts(svg_text, f"fact-shape-{kind}")[0])]
        if shape != [a, b, k, k]:
            problems.append(f"{kind}: shape {shape}, expected {[a, b, k, k]}")
    return problems


def test_q24_kernel_counts_and_shapes():
    assert count_problems(svg("q24/kernel-shapes")) == []
    assert count_problems(svg("q24/kernel-shapes", "zh")) == []


def test_q24_a_depthwise_kernel_drawn_dense_is_caught(monkeypatch):
    """Planted fault: the depthwise panel connects every output to every input channel."""
    real = q24.kernel_mask
    monkeypatch.setattr(q24, "kernel_mask", lambda kind, *a: real("standard" if kind == "depthwise" else kind, *a))
    assert "depthwise: 144 weights, expected 36" in count_problems(render("q24/kernel-shapes", "en").svg)


@pytest.mark.parametrize("kind", q24.KINDS)
def test_q24_masks_are_the_connections_of_the_page_convolution(kind):
    """With the page's conv and weights masked as drawn, output channel o changes when input
    channel c does exactly where the figure draws weights in row o, column c."""
    conv = page_code("24")["conv"]
    rng = np.random.default_rng(0)
    mask = q24.kernel_mask(kind)
    w = rng.normal(size=mask.shape) * mask
    x = rng.normal(size=(q24.C_IN, 6, 6))
    for c in range(q24.C_IN):
        bumped = x.copy()
        bumped[c] += rng.normal(size=(6, 6))
        changed = ~np.isclose(conv(bumped, w), conv(x, w)).all(axis=(1, 2))
        assert (changed == mask[:, c].any(axis=(1, 2))).all(), (kind, c)


def test_q24_stacked_table_is_the_page_table():
    s = svg("q24/stacked-3x3")
    rf = numbers(fact_texts(s, "fact-rf"))
    stack = numbers(fact_texts(s, "fact-stack"))
    single = numbers(fact_texts(s, "fact-single"))
    n = np.arange(1, q24.LAYERS + 1)
    assert rf == [v for r in 2 * n + 1 for v in (r, r)]  # "5×5" reads as 5, 5
    assert stack == (9 * n).tolist() and single == ((2 * n + 1) ** 2).tolist()
    for lang in LANGS:  # the page's table: 2 and 3 stacked layers against one 5×5 and one 7×7
        rows = re.findall(r"\$(\d+)C\^2\$", page("24", lang).read_text(encoding="utf-8"))
        assert [int(v) for v in rows[:4]] == [stack[1], single[1], stack[2], single[2]]
    widths = []  # the shaded cone, level by level: its width in output cells is the receptive field
    for level in range(q24.LAYERS + 1):
        (d,) = re.findall(rf'<g class="fact-cone-{level}"><path d="([^"]*)"', s)
        xs = [float(v) for v in re.findall(r"[ML] ([-\d.]+) [-\d.]+", d)]
        widths.append(max(xs) - min(xs))
    assert [round(w / widths[-1]) for w in widths] == [7, 5, 3, 1] == [*reversed(rf[::2]), 1]
    code = page_code("24")
    assert (
        code["w1"].size + code["w2"].size == stack[1] * code["C"] ** 2
        and code["w12"].size == single[1] * code["C"] ** 2
    )


# ---- Q25 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_q25_graph_is_the_page_network(lang):
    code = page_code("25", lang)
    X, y, P = q25.network()
    assert np.array_equal(X, code["X"]) and np.array_equal(y, code["y"])
    assert all(np.array_equal(P[k], code["P"][k]) for k in P)
    L, g = q25.loss_and_grads(X, y, P)
    page_L, page_g = code["loss_and_grads"](P)
    assert np.isclose(L, page_L) and all(np.allclose(g[k], page_g[k]) for k in g)
    s = svg("q25/graph", lang)
    assert numbers(fact_texts(s, "fact-value-L")) == [round(code["L"], 2)]
    after = code["loss_and_grads"](code["P2"])[0]
    assert numbers(fact_texts(s, "fact-sgd"))[-3:] == [0.1, round(code["L"], 2), round(after, 2)]
    shapes = {name: numbers(fact_texts(s, f"fact-value-{name}")) for name in ("X", "z1", "a1", "s")}
    N, D, H, C = (code[k] for k in "NDHC")
    assert shapes == {"X": [N, D], "z1": [N, H], "a1": [N, H], "s": [N, C]}


def fork_problems(svg_text: str) -> list[str]:
    """The forward values and gradients printed in q25/fork against L(x, w) = ½(x + tanh(wx))²
    evaluated and differentiated numerically here (central differences, as the page does)."""

    def loss(x, w):
        return 0.5 * (x + np.tanh(w * x)) ** 2

    x, w, eps = q25.X0, q25.W0, 1e-6
    dx = (loss(x + eps, w) - loss(x - eps, w)) / (2 * eps)
    dw = (loss(x, w + eps) - loss(x, w - eps)) / (2 * eps)
    h = x + np.tanh(w * x)
    problems = []
    got = numbers(fact_texts(svg_text, "fact-g-total"))
    if len(got) != 3 or not np.isclose(got[2], dx, atol=0.0051) or not np.isclose(got[0] + got[1], got[2], atol=0.011):
        problems.append(f"x̄ drawn as {got}, numerically {dx:.4f}")
    for name, want in (("g-w", dw), ("g-identity", h), ("v-h", h), ("v-L", loss(x, w)), ("v-u", w * x)):
        value = numbers(fact_texts(svg_text, f"fact-{name}"))[-1]
        if not np.isclose(value, want, atol=0.0051):
            problems.append(f"{name}: {value}, expected {want:.4f}")
    return problems


def test_q25_fork_gradients_match_central_differences():
    assert fork_problems(svg("q25/fork")) == [] and fork_problems(svg("q25/fork", "zh")) == []


def test_q25_a_fork_that_forgets_a_path_is_caught(monkeypatch):
    """Planted fault: x's gradient keeps only the branch path (no accumulation at the fork)."""
    real = q25.fork

    def forgetful(*a):
        f = real(*a)
        return {**f, "dx": f["dx_branch"]}

    monkeypatch.setattr(q25, "fork", forgetful)
    assert any(p.startswith("x̄ drawn") for p in fork_problems(render("q25/fork", "en").svg))

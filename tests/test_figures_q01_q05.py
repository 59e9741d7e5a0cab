"""The figures of questions 1–5: each renders in both languages with only its own language's text,
stays small, draws the numbers of its page's own code (the page's runnable block is run and
compared), and facts read back from the SVG agree with formulas computed here independently.
Planted faults (a wrong parameter, a missing or untranslated label) are caught."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pytest

from dlie import codeblocks, nn
from dlie.figures import FigureError, keep_words, load_all, q01, q02, q03, q04, q05, render, svg_texts, untranslated
from figcheck import built

KEYS = sorted(k for k in load_all() if k[:3] in {"q01", "q02", "q03", "q04", "q05"})
LANGS = ("zh", "en")
QUESTIONS = codeblocks.DOCS / "questions"


@cache
def page_defs(number: int) -> dict:
    """The globals of question ``number``'s runnable block (English page), after running it."""
    [path] = QUESTIONS.glob(f"{number:02d}-*.en.md")
    [block] = codeblocks.runnable_blocks(path)
    return codeblocks.definitions(block)


def fact_texts(svg: str, name: str) -> list[str]:
    """The texts drawn with gid ``fact-<name>``, in drawing order."""
    groups = re.findall(rf'<g class="fact-{name}">(.*?)</g>', svg, re.S)
    return [t for g in groups for t in svg_texts(g)]


def fact_numbers(svg: str, name: str) -> list[float]:
    return [float(t.replace("−", "-")) for t in fact_texts(svg, name)]


def fact_subpaths(svg: str, name: str) -> int:
    """How many shapes (subpaths: one M each) the elements with gid ``fact-<name>`` draw."""
    groups = re.findall(rf'<g class="fact-{name}">(.*?)</g>', svg, re.S)
    return sum(d.count("M") for g in groups for d in re.findall(r'<path d="([^"]*)"', g))


# ---- every figure ----------------------------------------------------------------------------
def test_every_question_has_at_least_two_figures():
    for q in ("q01", "q02", "q03", "q04", "q05"):
        assert len([k for k in KEYS if k.startswith(q + "/")]) >= 2, q


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_figure_renders_in_its_language_small_and_readable(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts, f"{key} ({lang}) has no text"
    assert untranslated(texts, lang, keep_words(key)) == [], f"{key} ({lang})"
    assert fig.min_font >= 11, f"{key} ({lang}): {fig.min_font} px text"
    assert fig.width <= 6.4 * 72 + 0.01, f"{key}: wider than 6.4 in"
    assert len(fig.svg.encode()) < 25_000, f"{key} ({lang}): {len(fig.svg.encode())} bytes"
    assert "$" not in "".join(texts), f"{key}: mathtext sets glyphs one by one; use Unicode"


NUMBER_RE = re.compile(r"−?\d+(?:\.\d+)?")


def shown_numbers(svg: str) -> list[str]:
    """The numbers a figure shows: texts that are only numbers (ticks, cells) and the numbers in
    its fact texts (labels may spell numbers differently: 「两层」 / "2 layers")."""
    plain = [t for t in svg_texts(svg) if re.fullmatch(r"[−\d.×/=≈ ]+", t)]
    facts = [t for name in sorted(set(re.findall(r'class="fact-([^"]+)"', svg))) for t in fact_texts(svg, name)]
    return [n for t in plain + facts for n in NUMBER_RE.findall(t)]


@pytest.mark.parametrize("key", KEYS)
def test_both_languages_draw_the_same_numbers(key):
    """Labels differ by language; the numbers a figure shows must not."""
    zh, en = (shown_numbers(built(key, lang).svg) for lang in LANGS)
    assert zh == en


# ---- the figures draw what the pages' own code computes -------------------------------------
def test_q01_xor_is_the_pages_training_run():
    d = page_defs(1)
    w1, b1, w2, b2 = q01.xor_mlp()
    assert (
        np.allclose(w1, d["W1"])
        and np.allclose(b1, d["b1"])
        and np.allclose(w2, d["w2"])
        and b2 == pytest.approx(d["b2"])
    )
    assert np.array_equal(q01.X_XOR, d["X"]) and np.array_equal(q01.Y_XOR, d["y"])
    # the page's p is from its last forward pass, one update before the final weights
    assert np.allclose(q01.mlp_prob(d["X"], (w1, b1, w2, b2)), d["p"], atol=1e-5)
    assert np.allclose(q01.xor_linear_fit(), d["A"] @ d["w_lin"])  # 0.5 at every point


def test_q01_collapse_marks_every_kink_of_the_relu_net():
    """Independent check: the slope of the ReLU net, sampled finely, changes exactly where the
    figure puts a kink marker."""
    w1, b1, w2, b2 = q01.collapse_net()
    x = np.linspace(-q01.XLIM, q01.XLIM, 60001)
    y = np.maximum(np.outer(x, w1) + b1, 0) @ w2 + b2
    slope = np.diff(y) / np.diff(x)
    changes = np.flatnonzero(np.abs(np.diff(slope)) > 1e-6)
    groups = np.split(changes, np.flatnonzero(np.diff(changes) > 1) + 1) if len(changes) else []
    svg = render("q01/collapse", "en").svg
    assert len(re.findall(r'<g class="fact-kink">', svg)) == len(groups) == len(q01.collapse_kinks()) >= 2


def test_q02_network_and_receptive_field_are_the_pages():
    d = page_defs(2)
    assert d["ks"] == q02.KS
    assert nn.receptive_field(q02.KS)[-1] == (d["r"], d["j"]) == (24, 4)
    # run the page's own network on the figure's input length and measure the cone it draws
    x = np.random.default_rng(1).uniform(0.0, 1.0, (4, q02.LENGTH))
    y = d["cnn"](x, d["layers"])
    assert y.shape[1] == q02.layer_sizes()[-1]
    hit = set()
    for p in range(q02.LENGTH):
        x2 = x.copy()
        x2[:, p] += 1.0
        if np.any(d["cnn"](x2, d["layers"])[:, q02.TOP] != y[:, q02.TOP]):
            hit.add(p)
    assert hit == q02.cone()[0]


def rf_recursion(layers):
    r, j, out = 1, 1, [1]
    for k, s in layers:
        r, j = r + (k - 1) * j, j * s
        out.append(r)
    return out


def test_q02_receptive_field_facts_read_back():
    svg = render("q02/receptive-field", "zh").svg
    rs = [int(t.split("=")[1]) for t in fact_texts(svg, "r")]
    assert rs == rf_recursion(q02.KS) == [1, 3, 5, 6, 10, 14, 16, 24]
    assert fact_subpaths(svg, "rf-in") == rs[-1]  # highlighted input positions
    assert fact_subpaths(svg, "rf-in") + fact_subpaths(svg, "in") == q02.LENGTH


def test_q02_planted_fault_wrong_kernel_is_caught(monkeypatch):
    """A figure drawn with a wrong layer (k = 2 in the last layer) no longer agrees with the
    recursion computed from the page's network."""
    monkeypatch.setattr(q02, "KS", [*q02.KS[:-1], (2, 1)])
    svg = render("q02/receptive-field", "en").svg
    expected = rf_recursion(page_defs(2)["ks"])[-1]
    assert fact_subpaths(svg, "rf-in") != expected


def test_q02_local_sharing_counts_read_back():
    svg = render("q02/local-sharing", "en").svg
    n_in, k = q02.N_IN, q02.K
    n_out = n_in - k + 1  # stride 1, no padding
    assert fact_subpaths(svg, "dense-edge") == n_in * n_out == 35
    assert fact_subpaths(svg, "conv-edge") == n_out * k == 15
    assert [int(re.match(r"\d+", t).group()) for t in fact_texts(svg, "n-weights")] == [n_in * n_out, k]


def test_q02_resnet_shapes_match_the_pages_table():
    text = (QUESTIONS / "02-cnn-principles.en.md").read_text(encoding="utf-8")
    table = [(int(a), int(c)) for a, _, c in re.findall(r"\$(\d+)\\times(\d+)\\times(\d+)\$", text.split("| head")[0])]
    svg = render("q02/resnet-shapes", "en").svg
    sides = [int(t.split("×")[0]) for t in fact_texts(svg, "side")]
    channels = [int(t) for t in fact_texts(svg, "channels")]
    assert list(zip(sides, channels, strict=True))[1:-1] == table[-5:]
    assert sides[0] == 224 and sides[-1] == 1


def test_q03_fit_eval_is_the_pages():
    d = page_defs(3)
    assert (d["sigma"], 5000) == (q03.SIGMA, q03.N_VAL)
    for deg, n, lam in ((1, 30, 0.0), (15, 30, 0.0), (15, 30, 0.3), (5, 300, 0.0)):
        d["rng"] = np.random.default_rng(deg + n)  # the page's functions read its global rng
        ours = q03.fit_eval(deg, n, lam, np.random.default_rng(deg + n))
        assert np.allclose(d["fit_eval"](deg, n, lam), ours)


def test_q03_curves_show_the_pages_diagnoses():
    """The plotted curves agree with the page's asserts: degree 1 stays high however much data;
    degree 15 starts with a large gap that data closes; gradient descent's validation error has
    an interior minimum (the early-stopping point) while training error keeps falling."""
    curves, sigma2 = q03.size_curves(), q03.SIGMA**2
    under, over = curves[q03.UNDER], curves[q03.OVER]
    assert (under[:, 0] > 2 * sigma2).all() and under[-1, 1] > 2 * sigma2
    assert over[0, 0] < sigma2 and over[0, 1] > 2 * under[0, 1] and over[-1, 1] - over[-1, 0] < 0.01
    tr, va = q03.step_curves()
    best = int(np.argmin(va))
    assert 0 < best < len(va) - 1 and va[-1] > 2 * va[best] and tr[-1] < tr[best]
    label = " ".join(svg_texts(render("q03/step-curves", "en").svg))
    assert f"step {q03.STEPS[best]}" in label


def test_q04_numbers_are_the_pages_worked_example():
    d = page_defs(4)
    z, a = q04.conv_relu()
    assert np.array_equal(q04.X, d["X"][0]) and np.array_equal(q04.K, d["K"][0, 0])
    assert np.array_equal(z, d["Z"][0]) and np.array_equal(a, d["A"][0])
    svg = render("q04/conv-step", "zh").svg
    assert np.array_equal(np.reshape(fact_numbers(svg, "z"), (4, 4)), d["Z"][0])


def conv_loop(x, k, b):
    """Independent cross-correlation, stride 1, no padding."""
    n = x.shape[0] - k.shape[0] + 1
    return np.array([[np.sum(x[i : i + 3, j : j + 3] * k) + b for j in range(n)] for i in range(n)])


def conv_step_agrees(svg: str) -> bool:
    z = conv_loop(np.array(page_defs(4)["X"][0], float), np.array(page_defs(4)["K"][0, 0], float), -3.0)
    shown = np.reshape(fact_numbers(svg, "z"), z.shape)
    s = re.findall(r"−?\d+", fact_texts(svg, "sum")[0])
    return np.array_equal(shown, z) and float(s[-1].replace("−", "-")) == z[0, 0]


def test_q04_conv_step_reads_back_and_a_wrong_kernel_is_caught(monkeypatch):
    assert conv_step_agrees(render("q04/conv-step", "en").svg)
    bad = q04.K.copy()
    bad[0, 2] = 1  # a planted typo in the kernel
    monkeypatch.setattr(q04, "K", bad)
    assert not conv_step_agrees(render("q04/conv-step", "en").svg)


def test_q04_pooling_reads_back():
    d = page_defs(4)
    a = d["A"][0]
    svg = render("q04/pooling", "en").svg
    windows = [a[i : i + 2, j : j + 2] for i in (0, 2) for j in (0, 2)]
    assert fact_numbers(svg, "max") == [w.max() for w in windows] == d["pool"](d["A"], 2, 2)[0].ravel().tolist()
    assert fact_numbers(svg, "avg") == [w.mean() for w in windows]
    ov = render("q04/overlap-pool", "zh").svg
    assert fact_numbers(ov, "ov") == d["pool"](d["A"], 3, 1)[0].ravel().tolist() == [7, 6, 7, 5]


def test_q05_dead_unit_is_the_pages():
    d = page_defs(5)
    x, w, b, g = q05.page_unit()
    assert np.array_equal(x, d["X"]) and np.array_equal(w, d["w"]) and b == d["b"] and np.array_equal(g, d["g"])
    svg = render("q05/dead-unit", "en").svg
    counts = [int(re.search(r"(\d+) / ", t).group(1)) for t in fact_texts(svg, "active")]
    assert counts == [int((d["X"] @ d["w"] > 0).sum()), int((d["z"] > 0).sum())]
    assert counts[1] == 0 < counts[0]


def test_q05_gradient_profiles_end_at_the_pages_values():
    d = page_defs(5)
    runs = q05.page_profiles()
    assert runs["sig"][-1] == pytest.approx(d["r_sig"], rel=1e-9)
    assert runs["relu1"][-1] == pytest.approx(d["r_relu_1"], rel=1e-9)
    assert runs["he"][-1] == pytest.approx(d["r_relu_he"], rel=1e-9)
    assert len(runs["he"]) == q05.DEPTH + 1


# ---- labels: planted faults -------------------------------------------------------------------
def test_missing_chinese_label_is_a_figure_error(monkeypatch):
    zh = dict(q04.LABELS["zh"])
    del zh["k"]
    monkeypatch.setitem(q04.LABELS, "zh", zh)
    with pytest.raises(FigureError, match="q04/conv-step.*'zh' label 'k'"):
        render("q04/conv-step", "zh")


def test_english_left_in_a_chinese_label_is_caught(monkeypatch):
    zh = dict(q05.LABELS["zh"])
    zh["samples"] = "samples"
    monkeypatch.setitem(q05.LABELS, "zh", zh)
    texts = svg_texts(render("q05/dead-unit", "zh").svg)
    assert untranslated(texts, "zh", keep_words("q05/dead-unit")) == ["samples"]


# ---- placement in the pages -------------------------------------------------------------------
FIGURE_LINE_RE = re.compile(r'^!\[([^\]]+)\]\(figure:(\S+) "([^"]+)"\)$', re.M)


def placed(number: int, lang: str, docs=None) -> dict[str, tuple[str, str]]:
    """{key: (alt, caption)} of the figure lines in question ``number``'s page."""
    [path] = (docs or QUESTIONS).glob(f"{number:02d}-*.{lang}.md")
    found = FIGURE_LINE_RE.findall(path.read_text(encoding="utf-8"))
    keys = [k for _, k, _ in found]
    assert len(keys) == len(set(keys)), f"{path.name}: a figure placed twice"
    return {k: (alt, caption) for alt, k, caption in found}


def check_placement(number: int, docs=None):
    mine = {k for k in KEYS if k.startswith(f"q{number:02d}/")}
    for lang in LANGS:
        figs = placed(number, lang, docs)
        assert set(figs) == mine, f"{lang}: placed {sorted(figs)}, registered {sorted(mine)}"
        for alt, caption in figs.values():
            assert len(alt) > 40 and caption.endswith("。" if lang == "zh" else "."), (lang, caption)


def check_alt_numbers(docs=None):
    """Alt text is the figure for a screen reader: the numbers it states are the drawn ones."""
    best = str(q03.STEPS[int(np.argmin(q03.step_curves()[1]))])
    x, w, _, _ = q05.page_unit()
    healthy = str(int((x @ w > 0).sum()))
    rs = [str(r) for r in rf_recursion(q02.KS)]
    z = q04.conv_relu()[0]
    for lang in LANGS:
        assert best in NUMBER_RE.findall(placed(3, lang, docs)["q03/step-curves"][0]), lang
        assert healthy in NUMBER_RE.findall(placed(5, lang, docs)["q05/dead-unit"][0]), lang
        assert NUMBER_RE.findall(placed(2, lang, docs)["q02/receptive-field"][0])[-len(rs) :] == rs, lang
        assert f"Z₀,₀ = {q04.num(z[0, 0])}" in placed(4, lang, docs)["q04/conv-step"][0], lang


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_every_figure_is_placed_in_both_pages(number):
    check_placement(number)


def test_alt_texts_state_the_figures_numbers():
    check_alt_numbers()


def test_planted_page_faults_are_caught(tmp_path):
    """A figure missing from one language, and an alt text whose number disagrees with the figure."""
    for p in QUESTIONS.glob("0[2-5]-*.md"):
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    [zh] = tmp_path.glob("05-*.zh.md")
    text = zh.read_text(encoding="utf-8")
    zh.write_text(text.replace("(figure:q05/dead-unit", "(figure:q05/dead-unit-old"), encoding="utf-8")
    with pytest.raises(AssertionError, match="zh: placed"):
        check_placement(5, tmp_path)
    healthy = str(int((q05.page_unit()[0] @ q05.page_unit()[1] > 0).sum()))
    zh.write_text(text.replace(f"有 {healthy} 个样本", f"有 {int(healthy) + 1} 个样本"), encoding="utf-8")
    check_placement(5, tmp_path)
    with pytest.raises(AssertionError, match="zh"):
        check_alt_numbers(tmp_path)

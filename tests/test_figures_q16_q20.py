"""Figures of questions 16–20: every figure renders in both languages with no untranslated text,
fits a phone without scrolling, stays small, and is placed once in the same section of both
pages; its numbers are what the page's own code computes, and facts read back from the SVG
agree with formulas computed here independently. Each checker is shown to fail on a planted
fault."""

from __future__ import annotations

import functools
import itertools
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
    q16,
    q17,
    q18,
    q19,
    q20,
    render,
    svg_texts,
    untranslated,
)
from figcheck import built

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "questions"
MINE = ("q16", "q17", "q18", "q19", "q20")
KEYS = sorted(k for k in load_all() if k[:3] in MINE)
LANGS = ("zh", "en")
PHONE_PX = 345  # width × 11 / smallest font: above this the figure scrolls sideways on a 375 px phone
MIN_TEXT_PX = 12
MAX_SVG_BYTES = 25_000
FIGURE_LINE_RE = re.compile(r'^!\[(?P<alt>[^\]]+)\]\(figure:(?P<key>[^ )]+) "(?P<caption>[^"]+)"\)$')
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# the section a figure belongs in (both languages): In depth, except the recommender-system one
SECTION = {"q19/sequence-augment": {"zh": "## 在推荐系统中", "en": "## In recommender systems"}}
DETAIL = {"zh": "## 详解", "en": "## In depth"}


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
    return [t for m in re.findall(rf'<g class="{re.escape(fact)}">(.*?)</g>', svg_text, re.S) for t in svg_texts(m)]


SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def numbers(text: str) -> list[float]:
    """The numbers in a figure's text: typographic minus, thousands separators, 1.5×10⁻⁸."""
    text = text.replace("−", "-").translate(SUPERSCRIPT)
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    out = []
    for m in re.finditer(r"(-?\d+(?:\.\d+)?)(?:×10(-?\d+))?", text):
        out.append(float(m.group(1)) * (10.0 ** int(m.group(2)) if m.group(2) else 1.0))
    return out


def sig(v: float, digits: int) -> float:
    """v rounded to ``digits`` significant digits, as the figure prints it."""
    return float(f"{v:.{digits}g}")


# ---- every figure: renders, one language, readable on a phone, small ------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_renders_in_one_language_readable_and_small(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts, f"{key} has no text"
    assert untranslated(texts, lang, keep_words(key)) == []
    assert fig.min_font >= MIN_TEXT_PX, f"{key}: {fig.min_font}px text"
    assert fig.width * 11 / fig.min_font <= PHONE_PX, f"{key}: {fig.width}px wide with {fig.min_font}px text"
    assert len(fig.svg.encode()) < MAX_SVG_BYTES, f"{key} ({lang}): {len(fig.svg.encode())} bytes"


def test_each_question_has_at_least_two_figures():
    for q in MINE:
        assert sum(k.startswith(q + "/") for k in KEYS) >= 2, q


def test_a_missing_chinese_label_fails_the_render(monkeypatch):
    monkeypatch.delitem(q17.LABELS["zh"], "running")
    with pytest.raises(FigureError, match="q17/running-stats: no 'zh' label 'running'"):
        render("q17/running-stats", "zh")


def test_an_english_word_in_a_chinese_figure_is_caught(monkeypatch):
    monkeypatch.setitem(q20.LABELS["zh"], "conv-total", "conv total")
    texts = svg_texts(render("q20/params-macs", "zh").svg)
    assert untranslated(texts, "zh", keep_words("q20/params-macs")) == ["conv total"]


# ---- placement: once per page, own paragraph, same section in both languages, honest alt text -----
def section_of(lines: list[str], i: int) -> str:
    return next((line for line in reversed(lines[:i]) if line.startswith("## ")), "")


def placement_problems(text: str, key: str, lang: str) -> list[str]:
    """What is wrong with how a page places figure ``key``: once, as a line of its own between
    blank lines, in its section, alt text and caption in the page's language, and every decimal
    number of the alt text shown in the figure."""
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
    want = SECTION.get(key, DETAIL)[lang]
    if section_of(lines, i) != want:
        problems.append(f"{key}: in {section_of(lines, i)!r}, not {want!r}")
    if len(m["alt"]) < 40 or not m["caption"].strip():
        problems.append(f"{key}: alt text and caption needed")
    if bool(CJK_RE.search(m["alt"] + m["caption"])) != (lang == "zh"):
        problems.append(f"{key}: alt text or caption is not in {lang}")
    stated = {x.replace("−", "-") for x in re.findall(r"−?\d+\.\d+", m["alt"])}
    shown = {x.replace("−", "-") for text in svg_texts(svg(key, lang)) for x in re.findall(r"−?\d+\.\d+", text)}
    if stated - shown:
        problems.append(f"{key}: alt text states {sorted(stated - shown)}, not in the figure")
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_placed_once_in_its_section(key, lang):
    assert placement_problems(page(key[:3], lang).read_text(encoding="utf-8"), key, lang) == []


@pytest.mark.parametrize("q", MINE)
def test_both_languages_place_the_same_figures_in_the_same_order(q):
    placed = {
        lang: [m["key"] for line in page(q, lang).read_text("utf-8").split("\n") if (m := FIGURE_LINE_RE.match(line))]
        for lang in LANGS
    }
    assert placed["zh"] == placed["en"] and set(placed["en"]) == {k for k in KEYS if k.startswith(q + "/")}


def test_placement_faults_are_caught():
    """Planted faults: a glued figure line, one moved to the code section, an alt-text number the
    figure does not show, an English caption on the Chinese page, a figure placed twice."""
    text = page("q18", "en").read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if "(figure:q18/noise-floor " in x)
    assert placement_problems(text, "q18/noise-floor", "en") == []
    glued = text.replace("\n\n" + line, "\n" + line)
    assert placement_problems(glued, "q18/noise-floor", "en") == ["q18/noise-floor: not a paragraph of its own"]
    moved = text.replace("\n\n" + line, "").replace("## Code\n", "## Code\n\n" + line + "\n")
    assert placement_problems(moved, "q18/noise-floor", "en") == ["q18/noise-floor: in '## Code', not '## In depth'"]
    wrong = text.replace(line, line.replace("0.00057", "0.00075"))
    assert placement_problems(wrong, "q18/noise-floor", "en") == [
        "q18/noise-floor: alt text states ['0.00075'], not in the figure"
    ]
    assert placement_problems(text, "q18/noise-floor", "zh")[-1:] == [
        "q18/noise-floor: alt text or caption is not in zh"
    ]
    twice = text.replace(line, line + "\n\n" + line)
    assert placement_problems(twice, "q18/noise-floor", "en") == ["q18/noise-floor placed 2 times"]


# ---- Q16: gradient flow through residual stacks -------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_q16_gains_are_the_page_codes(lang):
    code = page_code("q16", lang)
    assert (code["d"], code["L"], code["rho"]) == (q16.D, q16.L, q16.RHO)
    for mode, (kind, alpha) in q16.MODES.items():
        for depth in (1, 7, 25, code["L"]):
            assert q16.gains(mode)[depth] == pytest.approx(code["gain"](code["run"](kind, alpha, depth=depth)[1]))
    s = svg("q16/gain-depth", lang)
    for mode, value in code["g"].items():  # the final gains printed by the page, read back
        shown = numbers(fact_texts(s, f"fact-gain-{mode}")[0])[-1]  # "…×1/√L: 1.28": the last number
        assert shown == pytest.approx(sig(value, 2 if value < 0.01 or value >= 100 else 3))


def test_q16_gains_follow_the_table_estimate():
    """Read back from the figure, each gain at n = 50 is within a factor 1.5 of the table's
    estimate, computed here: ρⁿ, (1 + ρ²)^(n/2), (1 + ρ²/n)^(n/2), 1."""
    n, rho = 50, 0.7
    estimate = {
        "plain": rho**n,
        "res": (1 + rho**2) ** (n / 2),
        "res/sqrtL": (1 + rho**2 / n) ** (n / 2),
        "zero-init": 1,
    }
    s = svg("q16/gain-depth")
    for mode, want in estimate.items():
        shown = numbers(fact_texts(s, f"fact-gain-{mode}")[0])[-1]
        assert want / 1.5 < shown < want * 1.5, mode


def expansion_problems(svg_text: str, n: int = 3) -> list[str]:
    """The terms the figure lists, multiplied out with random Jacobians, must add up to
    (I + J_{n−1})⋯(I + J_0); each k must have C(n, k) terms, each term k boxes."""
    rng = np.random.default_rng(0)
    js = [rng.normal(size=(4, 4)) for _ in range(n)]
    product = np.eye(4)
    for j in js:
        product = (np.eye(4) + j) @ product
    terms = fact_texts(svg_text, "fact-term")
    total = np.zeros((4, 4))
    for term in terms:
        m = np.eye(4)
        for i in re.findall(r"J([₀-₉])", term):
            m = m @ js["₀₁₂₃₄₅₆₇₈₉".index(i)]
        total += m
    problems = [] if np.allclose(total, product) else ["the terms do not add up to the product"]
    if len(set(terms)) != 2**n:
        problems.append(f"{len(set(terms))} distinct terms, expected {2**n}")
    for k in range(n + 1):
        if count(svg_text, f"fact-branch-{k}") != k * math.comb(n, k):
            problems.append(f"k = {k}: {count(svg_text, f'fact-branch-{k}')} boxes")
    return problems


def test_q16_paths_are_the_expansion():
    assert expansion_problems(svg("q16/paths")) == []
    groups = [numbers(x) for x in fact_texts(svg("q16/paths"), "fact-group")]
    assert groups == [[k, math.comb(3, k)] for k in range(4)]


def test_q16_a_missing_path_is_caught(monkeypatch):
    """Planted fault: the figure drops the path through all three branches."""
    monkeypatch.setattr(q16, "paths", lambda n: [p for p in itertools_paths(n) if len(p) < n])
    problems = expansion_problems(render("q16/paths", "en").svg)
    assert "the terms do not add up to the product" in problems and "7 distinct terms, expected 8" in problems


def itertools_paths(n: int):
    return [tuple(i for i, on in enumerate(bits) if on) for bits in itertools.product((0, 1), repeat=n)]


@pytest.mark.parametrize("lang", LANGS)
def test_q16_path_lengths_are_binomial(lang):
    n = q16.N_BLOCKS
    a, b = q16.VEIT_BAND
    text = page("q16", lang).read_text(encoding="utf-8")
    assert f"{n} residual blocks" in text or f"{n} 个残差块" in text  # the page's 110-layer ResNet
    assert f"{a}–{b} blocks" in text or f"{a}～{b} 个块" in text  # the page's Veit et al. band
    s = svg("q16/path-lengths", lang)
    k_peak, peak = numbers(fact_texts(s, "fact-peak")[0])
    assert k_peak == n // 2 and peak == round(100 * math.comb(n, n // 2) / 2**n, 1)
    band = sum(math.comb(n, k) for k in range(a, b + 1)) / 2**n
    assert numbers(fact_texts(s, "fact-band")[0]) == [a, b, round(100 * band, 2)]
    assert count(s, "fact-bar") == n + 1


# ---- Q17: batch normalization ---------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_q17_replays_the_page_training(lang):
    code = page_code("q17", lang)
    run = q17.page_training()
    assert (code["C"], code["eps"], code["mom"]) == (q17.N_CHANNELS, q17.EPS, q17.MOM)
    for name in ("gamma", "beta", "x"):
        assert np.array_equal(run[name], code[name]), name
    assert np.array_equal(run["run_mu"][-1], code["run_mu"]) and np.array_equal(run["run_var"][-1], code["run_var"])
    assert np.allclose(q17.channel_outputs()["train"], code["y"][:, q17.CHANNEL])


@pytest.mark.parametrize("lang", LANGS)
def test_q17_one_channel_shows_the_page_bn(lang):
    """The statistics printed for each row, read back, are those of the page's own ``bn``."""
    code = page_code("q17", lang)
    c, x = q17.CHANNEL, code["x"]
    rows = {
        "before": x[:, c],
        "train": code["train"](x)[:, c],
        "eval": code["bn"](x, code["run_mu"], code["run_var"])[:, c],
    }
    s = svg("q17/one-channel", lang)
    for key, v in rows.items():
        assert numbers(fact_texts(s, f"fact-{key}")[0]) == [round(v.mean(), 2), round(v.std(), 2)], key
    assert round(code["beta"][c], 2) == round(rows["train"].mean(), 2)  # train mode: mean β, s.d. γ
    assert round(code["gamma"][c], 2) == round(rows["train"].std(), 2)


@pytest.mark.parametrize("lang", LANGS)
def test_q17_running_averages_are_the_page_ones(lang):
    code = page_code("q17", lang)
    s = svg("q17/running-stats", lang)
    c = q17.CHANNEL
    assert numbers(fact_texts(s, "fact-final-mean")[0])[-1] == round(code["run_mu"][c], 2)
    assert numbers(fact_texts(s, "fact-final-sd")[0])[-1] == round(math.sqrt(code["run_var"][c]), 2)
    assert numbers(fact_texts(s, "fact-final-mean")[0])[0] == q17.STEPS == 300


def normalize(kind: str, x: np.ndarray, groups: int) -> np.ndarray:
    """BN, LN, GN and IN of an (N, C, H, W) tensor, written here from their definitions."""
    n, c, h, w = x.shape
    if kind == "gn":
        g = x.reshape(n, groups, c // groups, h, w)
        return ((g - g.mean((2, 3, 4), keepdims=True)) / g.std((2, 3, 4), keepdims=True)).reshape(x.shape)
    axes = {"bn": (0, 2, 3), "ln": (1, 2, 3), "in": (2, 3)}[kind]
    return (x - x.mean(axes, keepdims=True)) / x.std(axes, keepdims=True)


def influence(kind: str, n0: int, c0: int) -> set[tuple[int, int]]:
    """The (example, channel) slices whose values change the normalized value at (n0, c0, 0, 0)."""
    x = np.random.default_rng(0).normal(size=(q17.N_EX, q17.N_CH, 2, 2))
    groups = q17.N_CH // q17.GROUP
    base = normalize(kind, x, groups)[n0, c0, 0, 1]  # a position other than the one perturbed below
    out = set()
    for n, c in np.ndindex(q17.N_EX, q17.N_CH):
        y = x.copy()
        y[n, c, 1, 0] += 3.0
        if not np.isclose(normalize(kind, y, groups)[n0, c0, 0, 1], base):
            out.add((n, c))
    return out


def norm_axes_problems(svg_text: str) -> list[str]:
    problems = []
    for kind in q17.KINDS:
        want = influence(kind, *q17.STAR)
        if q17.shared_statistics(kind) != want:
            problems.append(f"{kind}: the figure's set is not what {kind.upper()} averages over")
        if count(svg_text, f"fact-{kind}") != len(want):
            problems.append(f"{kind}: {count(svg_text, f'fact-{kind}')} shaded cells, expected {len(want)}")
    return problems


def test_q17_norm_axes_shade_what_each_normalization_averages():
    assert norm_axes_problems(svg("q17/norm-axes")) == []
    assert [len(influence(k, *q17.STAR)) for k in q17.KINDS] == [q17.N_EX, q17.N_CH, q17.GROUP, 1]


def test_q17_gn_drawn_as_ln_is_caught(monkeypatch):
    """Planted fault: GN shaded like LN (every channel of the example)."""
    real = q17.shared_statistics
    monkeypatch.setattr(q17, "shared_statistics", lambda kind, *a: real("ln" if kind == "gn" else kind, *a))
    problems = norm_axes_problems(render("q17/norm-axes", "en").svg)
    assert problems == [
        "gn: the figure's set is not what GN averages over",
        f"gn: {q17.N_CH} shaded cells, expected {q17.GROUP}",
    ]


# ---- Q18: learning-rate schedules ---------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_q18_schedules_are_the_page_code(lang):
    code = page_code("q18", lang)
    assert (code["T"], code["lr0"]) == (q18.T, q18.LR0)
    steps = np.arange(q18.T)
    for kind in q18.RUNS:
        page_values = np.array([code["schedule"](kind, int(t)) for t in steps])
        assert np.allclose(q18.page_schedule(kind, steps), page_values, rtol=1e-12, atol=0), kind
    assert np.allclose(q18.lr("warmup-cosine", steps), [code["schedule"]("cosine", int(t)) for t in steps])


def schedule_table_problems(svg_text: str) -> list[str]:
    """The values in the figure's table against the page's formulas, computed here: step
    η₀γ^⌊t/s⌋ with s = T/3, exponential η₀·0.01^(t/T), cosine η₀(1 + cos(πt/T))/2, and warmup +
    cosine η₀(1 + cos(π(t − t_w)/(T − t_w)))/2 after t_w = 100 steps."""
    T, eta0, tw = 3000, 0.1, 100

    def cosine(t, total):
        return eta0 * (1 + math.cos(math.pi * t / total)) / 2

    formulas = {
        "step": lambda t: eta0 * 0.1 ** math.floor(t / (T / 3)),
        "exp": lambda t: eta0 * 0.01 ** (t / T),
        "cosine": lambda t: cosine(t, T),
        "warmup-cosine": lambda t: eta0 * (t + 1) / tw if t < tw else cosine(t - tw, T - tw),
    }
    problems = []
    for kind, f in formulas.items():
        shown = [numbers(x)[0] for x in fact_texts(svg_text, f"fact-lr-{kind}")]
        want = [sig(f(t), 3) for t in q18.MARKED]
        if shown != want:
            problems.append(f"{kind}: shows {shown}, expected {want}")
    return problems


def test_q18_table_shows_the_formulas():
    assert q18.MARKED == (500, 1500, 2500)
    assert schedule_table_problems(svg("q18/schedules")) == []


def test_q18_a_cosine_without_its_half_is_caught(monkeypatch):
    """Planted fault: the cosine drawn as η₀(1 + cos(πt/T)), without the factor 1/2."""
    real = q18.lr
    monkeypatch.setattr(q18, "lr", lambda kind, t: 2 * real(kind, t) if kind == "cosine" else real(kind, t))
    assert [p.split(":")[0] for p in schedule_table_problems(render("q18/schedules", "en").svg)] == ["cosine"]


@pytest.mark.parametrize("lang", LANGS)
def test_q18_noise_floor_is_the_page_experiment(lang):
    code = page_code("q18", lang)
    runs = q18.page_runs()
    s = svg("q18/noise-floor", lang)
    for kind in q18.RUNS:
        assert runs[kind][-1] == pytest.approx(code["L"][kind], rel=1e-9), kind
        assert numbers(fact_texts(s, f"fact-final-{kind}")[0])[-1] == sig(code["L"][kind], 2)
    eta, sigma, h = 0.1, 1.0, 1.0  # the page's constant run: ησ²/(2(2 − ηh))
    floor = eta * sigma**2 / (2 * (2 - eta * h))
    assert code["floor"] == pytest.approx(floor) and q18.noise_floor() == pytest.approx(floor)
    assert numbers(fact_texts(s, "fact-floor")[0]) == [sig(floor, 2)]
    assert count(s, "fact-drop") == 2  # the page's step schedule divides by 10 twice


# ---- Q19: data augmentation ---------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_q19_sequence_views_are_the_page_codes(lang):
    code = page_code("q19", lang)
    aug = q19.page_sequence_augmentations()
    assert (aug["s"], aug["r"]) == (code["s"], code["r"])
    for name in ("crop", "mask", "reorder"):
        assert np.array_equal(aug[name], code["reord" if name == "reorder" else name]), name
    s = svg("q19/sequence-augment", lang)
    shown = {name: fact_texts(s, f"fact-item-{name}") for name in ("seq", "crop", "mask", "reorder")}
    assert shown["seq"] == [str(i) for i in code["seq"]]
    assert shown["crop"] == [str(i) for i in code["crop"]]
    assert shown["mask"] == ["M" if i == 0 else str(i) for i in code["mask"]]
    assert shown["reorder"] == [str(i) for i in code["reord"]]


def test_q19_labels_mix_as_the_inputs_do():
    """mixup's label weights are λ and 1 − λ; CutMix's are the areas, counted here from the
    pasted cells; the label-preserving views keep label A."""
    s = svg("q19/image-augment")
    lam = q19.LAMBDA
    assert numbers(fact_texts(s, "fact-label-mixup")[0]) == [lam, round(1 - lam, 2)]
    pasted, _ = q19.cutmix(q19.IMG_A, q19.IMG_B, *q19.CUTMIX)
    top, left, side = q19.CUTMIX
    from_b = np.zeros(q19.IMG_A.shape, bool)
    from_b[top : top + side, left : left + side] = True
    assert np.array_equal(pasted[from_b], q19.IMG_B[from_b]) and np.array_equal(pasted[~from_b], q19.IMG_A[~from_b])
    share_b = from_b.mean()
    assert numbers(fact_texts(s, "fact-label-cutmix")[0]) == [1 - share_b, share_b]
    for key in ("original", "crop", "flip", "jitter", "cutout"):
        assert fact_texts(s, f"fact-label-{key}") == ["label A"], key
    assert np.array_equal(q19.flip(q19.IMG_A), np.fliplr(q19.IMG_A))
    assert not np.array_equal(q19.IMG_A, np.fliplr(q19.IMG_A))  # the arrow shows the flip
    assert np.array_equal(q19.crop(q19.IMG_A, *q19.CROP), q19.IMG_A[1:7, 1:7])
    mixed, weights = q19.mixup(q19.IMG_A, q19.IMG_B)
    assert np.allclose(mixed, lam * q19.IMG_A + (1 - lam) * q19.IMG_B) and sum(weights) == pytest.approx(1)


# ---- Q20: parameters vs MACs -----------------------------------------------------------------------
TABLE_ROW_RE = re.compile(r"^\| (conv\d|fc\d)\S*[^|]*\|[^|]*\| ([\d,]+) \| ([\d.]+) G \|$", re.M)


def page_table(lang: str) -> dict[str, tuple[int, float]]:
    """The page's VGG-16 table: stage → (parameters, GMACs)."""
    text = page("q20", lang).read_text(encoding="utf-8")
    return {m[1]: (int(m[2].replace(",", "")), float(m[3])) for m in TABLE_ROW_RE.finditer(text)}


@pytest.mark.parametrize("lang", LANGS)
def test_q20_counts_are_the_page_codes_and_table(lang):
    code = page_code("q20", lang)
    tot = q20.totals()
    assert (tot["conv_params"], tot["fc_params"]) == (code["conv_p"], code["fc_p"])
    assert (tot["conv_macs"], tot["fc_macs"]) == (code["conv_mac"], code["fc_mac"])
    table = page_table(lang)
    stages = [*(f"conv{i}" for i in range(1, 6)), "fc6", "fc7", "fc8"]
    assert [r["stage"] for r in q20.stages()] == list(table) == stages
    for row in q20.stages():
        params, gmacs = table[row["stage"]]
        assert row["params"] == params and round(row["macs"] / 1e9, 3 if row["stage"].startswith("fc") else 2) == gmacs


def vgg16_macs() -> dict[str, int]:
    """VGG-16's multiply-accumulates per stage, written out here: (side, C_in, C_out) of every
    3×3 conv (the side halves after each stage), then the three FC layers."""
    stages = [(224, [3, 64, 64]), (112, [64, 128, 128]), (56, [128, 256, 256, 256]), (28, [256, 512, 512, 512])]
    stages.append((14, [512, 512, 512, 512]))
    out = {}
    for i, (side, ch) in enumerate(stages):
        out[f"conv{i + 1}"] = sum(side * side * 9 * a * b for a, b in zip(ch, ch[1:], strict=False))
    return out | {"fc6": 7 * 7 * 512 * 4096, "fc7": 4096 * 4096, "fc8": 4096 * 1000}


@pytest.mark.parametrize("lang", LANGS)
def test_q20_shares_read_back(lang):
    """The percentages drawn, read back: parameter shares from the page's table, MAC shares from
    the counts written out here (which round to the table's)."""
    table = page_table(lang)
    macs = vgg16_macs()
    assert {k: round(v / 1e9, 3 if k.startswith("fc") else 2) for k, v in macs.items()} == {
        k: m for k, (_, m) in table.items()
    }
    p_all, m_all = sum(p for p, _ in table.values()), sum(macs.values())
    s = svg("q20/params-macs", lang)
    for stage, (p, _) in table.items():
        for kind, share in (("params", 100 * p / p_all), ("macs", 100 * macs[stage] / m_all)):
            shown = numbers(fact_texts(s, f"fact-{kind}-{stage}")[0])[0]
            want = round(share, 1) if share >= 1 else sig(share, 2) if share >= 0.1 else round(share, 2)
            assert shown == want, (stage, kind, share)
    conv_p = sum(p for k, (p, _) in table.items() if k.startswith("conv"))
    conv_m = sum(m for k, m in macs.items() if k.startswith("conv"))
    assert numbers(fact_texts(s, "fact-total-params-fc-total")[0]) == [round(100 * (1 - conv_p / p_all), 1)]
    assert numbers(fact_texts(s, "fact-total-macs-conv-total")[0]) == [round(100 * conv_m / m_all, 1)]


@pytest.mark.parametrize("lang", LANGS)
def test_q20_reuse_and_gap_head(lang):
    code = page_code("q20", lang)
    s = svg("q20/reuse", lang)
    sides = [224 // 2**i for i in range(5)]  # output side of each conv stage: 3×3 convs keep it, pools halve it
    assert [numbers(x)[0] for x in fact_texts(s, "fact-uses")] == [x * x for x in sides] + [1, 1, 1]
    conv, fc = numbers(fact_texts(s, "fact-average")[0])
    assert conv == round(code["conv_mac"] / code["conv_p"]) and fc == round(code["fc_mac"] / code["fc_p"], 2)
    g = svg("q20/gap-head", lang)
    assert numbers(fact_texts(g, "fact-total-vgg")[0]) == [round(code["total_p"] / 1e6, 1)]
    assert numbers(fact_texts(g, "fact-total-gap")[0]) == [
        round((code["conv_p"] + code["gap_p"]) / 1e6, 1),
        round(code["gap_p"] / 1e6, 2),
    ]
    assert numbers(fact_texts(g, "fact-head-count-vgg")[0]) == [round(code["fc_p"] / 1e6, 1)]

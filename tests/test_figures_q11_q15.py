"""Figures of questions 11–15: every figure renders in both languages with no untranslated text,
is placed in both pages of its question, and draws the numbers the page states or its code
computes (facts read back from the SVG, compared with formulas computed here or with the page's
own code block)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest

from dlie import codeblocks, nn
from dlie.figures import FigureError, keep_words, load_all, q11, q12, q13, q14, q15, render, svg_texts, untranslated
from figcheck import built

QUESTIONS = Path(__file__).resolve().parents[1] / "docs" / "questions"
NUMBERS = ("11", "12", "13", "14", "15")
KEYS = sorted(k for k in load_all() if k[1:3] in NUMBERS)
LANGS = ("zh", "en")


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


def numbers(texts: list[str]) -> list[float]:
    return [float(m) for t in texts for m in re.findall(r"-?\d+\.\d+", t.replace("−", "-"))]


# ---- every figure: renders, translated, readable, small, placed -----------------------------
def test_at_least_two_figures_per_question():
    for n in NUMBERS:
        assert len([k for k in KEYS if k[1:3] == n]) >= 2, f"question {n} needs at least two figures"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", KEYS)
def test_figure_renders_in_its_language(key, lang):
    fig = built(key, lang)
    texts = svg_texts(fig.svg)
    assert texts, f"{key} has no text"
    assert untranslated(texts, lang, keep_words(key)) == [], f"{key} ({lang}) has text in another language"
    assert fig.min_font >= 11, f"{key}: {fig.min_font}px text"
    assert fig.width <= 461, f"{key} is {fig.width}px wide (phone: at most 460)"
    assert len(fig.svg.encode()) < 25_000, f"{key}: SVG of {len(fig.svg.encode())} bytes"


FIGURE_LINE_RE = re.compile(r'^!\[([^\]]+)\]\(figure:(q\d\d/[a-z0-9-]+) "([^"]+)"\)$')


def placement_problems(text: str, lang: str) -> tuple[dict[str, str], list[str]]:
    """The figures a page places ({key: alt}) and what is wrong with their lines: each must be one
    line of its own paragraph, with alt text and caption in the page's language, and every number
    its alt text states (two decimals) must be one the figure shows."""
    lines, placed, problems = text.splitlines(), {}, []
    for i, line in enumerate(lines):
        if "figure:" not in line:
            continue
        m = FIGURE_LINE_RE.match(line)
        if not m:
            problems.append(f"line {i + 1}: not a figure line of its own")
            continue
        alt, key, caption = m.groups()
        if not (i > 0 and lines[i - 1] == "" and i + 1 < len(lines) and lines[i + 1] == ""):
            problems.append(f"{key}: not a paragraph of its own")
        if len(alt) < 20 or not caption.strip():
            problems.append(f"{key}: alt text and caption needed")
        if bool(re.search(r"[\u4e00-\u9fff]", alt + caption)) != (lang == "zh"):
            problems.append(f"{key}: alt text or caption is not in {lang}")
        stated = set(numbers(re.findall(r"−?\d+\.\d\d", alt)))
        missing = stated - set(numbers(svg_texts(svg(key, lang))))
        if missing:
            problems.append(f"{key}: alt text states {sorted(missing)}, not in the figure")
        placed[key] = alt
    return placed, problems


@pytest.mark.parametrize("number", NUMBERS)
def test_figures_are_placed_in_both_pages(number):
    keys = {k for k in KEYS if k[1:3] == number}
    for lang in LANGS:
        placed, problems = placement_problems(page(number, lang).read_text(encoding="utf-8"), lang)
        assert problems == [], f"question {number} ({lang})"
        assert set(placed) == keys, f"question {number} ({lang}): placed {sorted(placed)}, drawn {sorted(keys)}"


def test_placement_check_catches_faults():
    """Planted faults: a number the figure does not show, a figure glued to a paragraph, an
    English caption on the Chinese page, a figure line with trailing text."""
    alt = "ESMM with pCTR = 0.57 and pCVR = 0.38 in the figure"
    good = f'![{alt}](figure:q14/esmm "Caption.")'
    assert placement_problems(f"text\n\n{good}\n\nmore", "en") == ({"q14/esmm": alt}, [])
    wrong = good.replace("0.38", "0.40")
    assert placement_problems(f"\n{wrong}\n\n", "en")[1] == ["q14/esmm: alt text states [0.4], not in the figure"]
    assert placement_problems(f"text\n{good}\n\n", "en")[1] == ["q14/esmm: not a paragraph of its own"]
    assert placement_problems(f"\n{good}\n\n", "zh")[1] == ["q14/esmm: alt text or caption is not in zh"]
    assert placement_problems(f"\n{good} and more\n\n", "en")[1] == ["line 2: not a figure line of its own"]


def test_a_missing_label_is_caught(monkeypatch):
    """Planted fault: a Chinese label is dropped; the render names the figure and the label."""
    zh = {k: v for k, v in q13.LABELS["zh"].items() if k != "unscaled"}
    monkeypatch.setitem(q13.LABELS, "zh", zh)
    with pytest.raises(FigureError, match=r"q13/scaling: no 'zh' label 'unscaled'"):
        render("q13/scaling", "zh")
    render("q13/scaling", "en")  # the other language is untouched


# ---- Q11 --------------------------------------------------------------------------------------
def test_q11_four_kinds_structure():
    s = svg("q11/four-kinds")
    assert fact_count(s, "fact-kind") == 4
    assert fact_count(s, "fact-merge-add") == 3  # identity, projection, gate
    assert fact_count(s, "fact-merge-concat") == 2  # x next to F(x)
    assert fact_count(s, "fact-shortcut-layer") == 1  # only the projection has a layer on its shortcut


def test_q11_concat_linear_has_the_page_shapes():
    """The weight blocks drawn are the page's Wa, Wb (OUT × C), and the identity the figure shows,
    W[x, F(x)] = Wa x + Wb F(x), holds for those shapes."""
    code = page_code("11")
    rows, cols = code["Wa"].shape
    assert (rows, cols) == code["Wb"].shape == (q11.OUT, q11.C_IN) and code["C"] == q11.C_IN
    s = svg("q11/concat-linear")
    for prefix in ("fact-cat", "fact-split"):
        assert fact_count(s, f"{prefix}-wa-{rows}x{cols}") == 1
        assert fact_count(s, f"{prefix}-wb-{rows}x{cols}") == 1
    rng = np.random.default_rng(0)
    x, fx, wa, wb = (
        rng.normal(size=cols),
        rng.normal(size=cols),
        rng.normal(size=(rows, cols)),
        rng.normal(size=(rows, cols)),
    )
    assert np.allclose(np.hstack([wa, wb]) @ np.concatenate([x, fx]), wa @ x + wb @ fx)


# ---- Q12 --------------------------------------------------------------------------------------
def table_errors(path: Path) -> dict:
    """The page's ImageNet table: {"plain" | "resnet": {18: err, 34: err}}."""
    out = {}
    for m in re.finditer(r"^\|\s*([^|]+?)\s*\|\s*([\d.]+)%\s*\|\s*([\d.]+)%\s*\|$", path.read_text("utf-8"), re.M):
        name = "resnet" if "ResNet" in m.group(1) else "plain" if "plain" in m.group(1).lower() else None
        if name:
            out[name] = {18: float(m.group(2)), 34: float(m.group(3))}
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_q12_degradation_draws_the_page_table(lang):
    assert table_errors(page("12", lang)) == q12.IMAGENET_TOP1
    s = svg("q12/degradation", lang)
    for name, errs in q12.IMAGENET_TOP1.items():
        assert numbers(fact_texts(s, f"fact-err-{name}")) == [errs[18], errs[34]]
    plain, res = q12.IMAGENET_TOP1["plain"], q12.IMAGENET_TOP1["resnet"]
    assert plain[34] > plain[18] and res[34] < res[18]  # what the figure is about


def test_q12_identity_weights_are_the_identity():
    """The plain panel's kernel maps every input to itself (a multi-channel 'same' conv), and a
    zero last layer makes a residual block the identity."""
    w = q12.identity_kernel(q12.CHANNELS, q12.K)
    x = np.random.default_rng(0).normal(size=(q12.CHANNELS, 6, 6))

    def conv(x, w):
        return np.stack(
            [sum(nn.conv2d(x[i], w[o, i], padding=q12.K // 2) for i in range(len(x))) for o in range(len(w))]
        )

    assert np.allclose(conv(x, w), x)
    assert np.allclose(x + conv(x, np.zeros_like(w)), x)
    s = svg("q12/identity-weights")
    assert fact_count(s, "fact-one-plain") == int(w.sum()) == q12.CHANNELS
    assert fact_count(s, "fact-one-res") == 0


# ---- Q13 --------------------------------------------------------------------------------------
def scaling_problems(svg_text: str) -> list[str]:
    """What is wrong with the weights printed in q13/scaling, against softmax(QKᵀ/√d_k) computed
    here from the figure's example queries and keys."""
    Q, K = q13.scaling_example()
    expected = {"scaled": nn.softmax(Q @ K.T / np.sqrt(K.shape[1])), "unscaled": nn.softmax(Q @ K.T)}
    problems = []
    for name, want in expected.items():
        got = np.array(numbers(fact_texts(svg_text, f"fact-w-{name}")))
        if got.size != want.size:
            problems.append(f"{name}: {got.size} weights, expected {want.size}")
            continue
        got = got.reshape(want.shape)
        if not np.allclose(got.sum(1), 1, atol=0.03):
            problems.append(f"{name}: rows sum to {got.sum(1)}")
        if not np.allclose(got, want, atol=0.0051):
            problems.append(f"{name}: weights differ from softmax")
    return problems


def test_q13_scaling_shows_softmax_of_scaled_scores():
    assert scaling_problems(svg("q13/scaling")) == []
    Q, K = q13.scaling_example()
    assert nn.softmax(Q @ K.T).max(1).min() > 0.99  # unscaled: every row saturated
    assert nn.softmax(Q @ K.T / np.sqrt(q13.D_K)).max() < 0.9  # scaled: spread


def test_q13_a_figure_without_scaling_is_caught(monkeypatch):
    """Planted fault: the figure forgets to divide by √d_k; the read-back check fails."""
    monkeypatch.setattr(q13, "attention_weights", lambda Q, K, scaled=True: nn.softmax(np.asarray(Q) @ np.asarray(K).T))
    assert any("scaled: weights differ" in p for p in scaling_problems(render("q13/scaling", "en").svg))


def test_q13_figure_attention_is_the_page_attention():
    code = page_code("13")
    rng = np.random.default_rng(1)
    Q, K, V = rng.normal(size=(3, 16)), rng.normal(size=(5, 16)), rng.normal(size=(5, 4))
    assert np.allclose(q13.attention_weights(Q, K), code["attention"](Q, K, V)[1])
    q = np.array([q13.EMBEDDING[q13.CANDIDATE]])
    keys = np.array([q13.EMBEDDING[c] for c in q13.SEQUENCE])
    page_alpha = code["attention"](q, keys, keys)[1][0]
    shown = numbers(fact_texts(svg("q13/target-attention"), "fact-alpha"))
    assert np.allclose(shown, page_alpha, atol=0.0051) and abs(sum(shown) - 1) < 0.03
    same = [i for i, c in enumerate(q13.SEQUENCE) if c == q13.CANDIDATE]
    assert all(page_alpha[i] == page_alpha.max() for i in same)  # the candidate's category weighs most


# ---- Q14 --------------------------------------------------------------------------------------
def sharing_problems(svg_text: str) -> list[str]:
    """Edges drawn in q14/sharing against the definitions: MMoE's gates see every expert, PLE's
    gate of task k sees task k's own expert and the shared one, never the other task's."""
    code = page_code("14")
    edges = {
        tuple(c.split("-")[-2:]) + ("-".join(c.split("-")[2:-2]),)
        for c in re.findall(r'class="(fact-edge-[^"]+)"', svg_text)
    }
    tasks = ["A", "B"][: code["T"]]
    want = {(k, str(e), "mmoe") for k in tasks for e in range(code["E"])}
    want |= {(k, "0", "shared-bottom") for k in tasks}
    owners = q14.experts("ple")
    want |= {(k, str(e), "ple") for k in tasks for e, o in enumerate(owners) if o in (k, "shared")}
    problems = [f"missing edge {e}" for e in sorted(want - edges)] + [f"extra edge {e}" for e in sorted(edges - want)]
    return problems


def test_q14_sharing_edges_follow_the_definitions():
    code = page_code("14")
    assert (code["E"], code["T"]) == (q14.N_EXPERTS, len(q14.TASKS))
    assert sharing_problems(svg("q14/sharing")) == []


def gate_input_edges(svg_text: str) -> set[str]:
    return set(re.findall(r'class="fact-gate-input-([^"]+)"', svg_text))


@pytest.mark.parametrize("lang", LANGS)
def test_q14_every_gate_also_takes_x(lang):
    """The caption says the gates also take x: MMoE's and PLE's gates each get an edge from x,
    shared-bottom (no gate) none."""
    want = {f"{kind}-{task}" for kind in ("mmoe", "ple") for task in q14.TASKS}
    assert gate_input_edges(svg("q14/sharing", lang)) == want


def test_q14_a_gate_without_its_x_edge_is_caught(monkeypatch):
    """Planted fault: the x → gate edges are not drawn."""
    monkeypatch.setattr(q14, "polyline", lambda *a, **kw: None)
    assert gate_input_edges(render("q14/sharing", "en").svg) == set()


def test_q14_a_ple_gate_seeing_every_expert_is_caught(monkeypatch):
    """Planted fault: PLE drawn like MMoE (task A's gate also mixes task B's own expert)."""
    monkeypatch.setattr(q14, "gate_inputs", lambda kind: {k: tuple(range(len(q14.experts(kind)))) for k in q14.TASKS})
    assert "extra edge ('A', '2', 'ple')" in sharing_problems(render("q14/sharing", "en").svg)


def test_q14_esmm_numbers_are_the_page_example():
    code = page_code("14")
    assert (code["z_ctr"], code["z_cvr"]) == (q14.Z_CTR, q14.Z_CVR)
    p_ctr, p_cvr = code["sig"](code["z_ctr"]), code["sig"](code["z_cvr"])
    s = svg("q14/esmm")
    for name, value in (("pctr", p_ctr), ("pcvr", p_cvr), ("pctcvr", p_ctr * p_cvr)):
        assert numbers(fact_texts(s, f"fact-{name}")) == [round(value, 2)], name


def test_q14_conflict_numbers_are_the_page_example():
    code = page_code("14")
    w, w_new = code["w"], code["w_new"]
    s = svg("q14/gradient-conflict")
    assert numbers(fact_texts(s, "fact-l1")) == [round(code["L1"](w), 2), round(code["L1"](w_new), 2)]
    assert numbers(fact_texts(s, "fact-l2")) == [round(code["L2"](w), 2), round(code["L2"](w_new), 2)]
    assert numbers(fact_texts(s, "fact-dot")) == [round(float(code["g1"] @ code["g2"]), 2)]
    assert numbers(fact_texts(s, "fact-dot"))[0] < 0


# ---- Q15 --------------------------------------------------------------------------------------
def test_q15_in_batch_matches_the_page_loss():
    """Printed row-softmax probabilities are softmax(S) by row (each row sums to 1), and the signs
    drawn are those of the page's gradient of its CLIP loss: − on the diagonal, + elsewhere."""
    code = page_code("15")
    S = q15.similarity()
    assert np.allclose(q15.loss_grad(S), code["grad"](S))
    eps, E = 1e-6, np.zeros_like(S)
    E[1, 0] = eps
    assert np.isclose((code["clip_loss"](S + E) - code["clip_loss"](S - E)) / (2 * eps), q15.loss_grad(S)[1, 0])
    s = svg("q15/in-batch")
    probs = np.array(numbers(fact_texts(s, "fact-p"))).reshape(S.shape)
    assert np.allclose(probs.sum(1), 1, atol=0.03)
    assert np.allclose(probs, np.exp(code["log_softmax"](S)), atol=0.0051)
    signs = np.array(fact_texts(s, "fact-sign")).reshape(S.shape)
    assert (signs == np.where(code["grad"](S) < 0, "−", "+")).all()
    assert (np.diag(signs) == "−").all() and (signs[~np.eye(len(S), dtype=bool)] == "+").all()


def test_q15_joint_and_coordinated_structure():
    s = svg("q15/joint-coordinated")
    assert fact_count(s, "fact-concat") == 2  # joint: both modalities concatenated
    assert fact_count(s, "fact-vector") == 2  # coordinated: one vector per modality


# ---- text on heat-map cells keeps WCAG AA contrast in both palettes --------------------------------
CSS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "stylesheets" / "extra.css"
SLATE_BG = "#1e2129"  # Material's slate background (--md-default-bg-color), which dark --fig-bg names


def palettes() -> dict[str, dict[str, str]]:
    """The light and dark --fig-* values of extra.css (the first two blocks that set them)."""
    blocks = re.findall(r"\{([^{}]*--fig-fg[^{}]*)\}", CSS.read_text(encoding="utf-8"))[:2]
    out = {}
    for name, block in zip(("light", "dark"), blocks, strict=True):
        roles = dict(re.findall(r"--fig-(\w+):\s*(#[0-9a-fA-F]{6})", block))
        roles.setdefault("bg", SLATE_BG)
        out[name] = roles
    return out


def contrast(text: str, face: str, alpha: float, bg: str) -> float:
    def rgb(h):
        return np.array([int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)])

    def lum(c):
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])

    cell = alpha * rgb(face) + (1 - alpha) * rgb(bg)
    hi, lo = sorted((lum(rgb(text)), lum(cell)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def worst_heatmap_contrast(opacity: dict[str, float]) -> float:
    """The lowest contrast of fg text on a heat-map cell at its largest opacity, over roles and palettes."""
    from dlie.figures.style import ROLE_OF

    return min(
        contrast(p["fg"], p[ROLE_OF[face]], alpha, p["bg"])
        for p in palettes().values()
        for face, alpha in opacity.items()
    )


def test_heatmap_text_keeps_aa_contrast_on_the_darkest_cell():
    from dlie.figures.diagram import TEXT_OPACITY

    assert worst_heatmap_contrast(TEXT_OPACITY) >= 4.5
    # the checker catches the old fills (opacity up to 1, where the text switched roles at 0.55)
    assert worst_heatmap_contrast({face: 0.55 for face in TEXT_OPACITY}) < 4.5


@pytest.mark.parametrize("key", ["q13/scaling", "q15/in-batch"])
def test_heatmap_text_is_in_the_foreground_colour(key):
    texts = re.findall(r'<g class="fact-(?:w-\w+|p|sign)">.*?</g>', svg(key))
    assert texts and not any("fig-bg" in g for g in texts)

"""Figures of question 34 (user behavior sequences: why DIN keeps the intensity of interest without
a softmax, and SIM's two-stage search over a long history), drawn from the page's example."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from dlie.figures import figure
from dlie.figures.diagram import canvas, grid
from dlie.figures.style import C

LABELS = {
    "zh": {
        "x": "相关行为条数 m（另有 {n} 条无关行为）",
        "y": "兴趣向量的长度",
        "din": "DIN：不归一化",
        "softmax": "softmax 归一化",
        "history": "{L} 条历史行为，按时间排列（每格一条，每行 {cols} 条）",
        "gsu": "第一阶段 GSU：按候选类目硬搜索，留下 {k} 条（{share:.1f}%）",
        "esu": "第二阶段 ESU：只对这 {k} 条做目标注意力",
        "kept": "保留了全部注意力权重的 {w:.1f}%",
        "error": "兴趣向量的相对误差：{e:.3f}",
    },
    "en": {
        "x": "relevant behaviors m (plus {n} irrelevant)",
        "y": "length of the interest vector",
        "din": "DIN: no normalization",
        "softmax": "softmax-normalized",
        "history": "{L} past behaviors in time order (one cell each, {cols} per row)",
        "gsu": "stage 1, GSU: hard search by category keeps {k} ({share:.1f}%)",
        "esu": "stage 2, ESU: target attention over these {k} only",
        "kept": "they carry {w:.1f}% of all attention weight",
        "error": "relative error of the interest vector: {e:.3f}",
    },
}
KEEP = {"softmax", "DIN", "GSU", "ESU"}

SIZE = 13
D, N_CAT, LENGTH, CANDIDATE_CAT = 32, 20, 1000, 3  # the page's d, C, L and candidate category c
N_IRRELEVANT = 200  # the page's part 1 mixes the relevant behaviors with 200 irrelevant ones


def page_example():
    """The page's history, drawn with the same generator calls as its code: the category of each
    behavior, the behavior embeddings E (L × d) and the candidate embedding v."""
    rng = np.random.default_rng(0)
    cent = rng.normal(size=(N_CAT, D))
    cat = rng.integers(0, N_CAT, size=LENGTH)
    E = cent[cat] + 0.3 * rng.normal(size=(LENGTH, D))
    v = cent[CANDIDATE_CAT] + 0.3 * rng.normal(size=D)
    return cat, E, v


def din_weights(E, v):
    """The page's stand-in for DIN's activation unit: relu(cosine)⁴, non-negative, no softmax."""
    cos = E @ v / np.linalg.norm(E, axis=1) / np.linalg.norm(v)
    return np.maximum(cos, 0) ** 4


def din(E, v):
    """DIN's interest vector for candidate v: Σⱼ wⱼ eⱼ with unnormalized weights."""
    return din_weights(E, v) @ E


def softmax_pool(E, v):
    """The softmax-normalized target attention the page compares with."""
    s = np.exp(E @ v - (E @ v).max())
    return s / s.sum() @ E


def intensity_curves(ms=range(0, 41, 2)):
    """Length of the interest vector when m relevant behaviors join the page's 200 irrelevant ones:
    (m values, DIN lengths, softmax lengths)."""
    cat, E, v = page_example()
    rel, irr = np.flatnonzero(cat == CANDIDATE_CAT), np.flatnonzero(cat != CANDIDATE_CAT)[:N_IRRELEVANT]
    ms = list(ms)
    n_din = [float(np.linalg.norm(din(E[np.r_[irr, rel[:m]]], v))) for m in ms]
    n_soft = [float(np.linalg.norm(softmax_pool(E[np.r_[irr, rel[:m]]], v))) for m in ms]
    return ms, n_din, n_soft


@figure("q34/intensity", size=(5.6, 3.4))
def intensity(fig, t):
    """DIN's interest vector grows with the number of relevant behaviors; a softmax average does not."""
    ms, n_din, n_soft = intensity_curves()
    ax = fig.add_axes((0.13, 0.2, 0.82, 0.74))
    ax.plot(ms, n_din, color=C.accent, gid="fact-din")
    ax.plot(ms, n_soft, color=C.accent2, ls="--", gid="fact-softmax")
    mid = len(ms) // 2
    ax.text(ms[mid] - 1, n_din[mid] + 6, t["din"], ha="right", va="bottom", fontsize=SIZE, color=C.fg)
    ax.text(ms[-1], n_soft[-1] + 6, t["softmax"], ha="right", va="bottom", fontsize=SIZE, color=C.fg)
    ax.set_xlabel(t["x"].format(n=N_IRRELEVANT), fontsize=SIZE)
    ax.set_ylabel(t["y"], fontsize=SIZE)
    ax.set_xlim(0, ms[-1])
    ax.set_ylim(0, max(n_din) * 1.08)
    ax.tick_params(labelsize=SIZE)


def sim_stats():
    """SIM on the page's history: the indices kept by hard search (the candidate's category), the
    share of DIN's total weight they carry, and the relative error of the interest vector."""
    cat, E, v = page_example()
    rel = np.flatnonzero(cat == CANDIDATE_CAT)
    w = din_weights(E, v)
    full = din(E, v)
    error = float(np.linalg.norm(din(E[rel], v) - full) / np.linalg.norm(full))
    return rel, float(w[rel].sum() / w.sum()), error


def cells_path(indices, cols, x0, top, cell):
    """One compound path of squares, one per index, laid out row by row (a small SVG)."""
    verts, codes = [], []
    for i in indices:
        r, c = divmod(int(i), cols)
        x, y = x0 + c * cell, top - (r + 1) * cell
        verts += [(x, y), (x + cell, y), (x + cell, y + cell), (x, y + cell), (x, y)]
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    return Path(verts, codes)


@figure("q34/sim-search", size=(5.6, 4.0))
def sim_search(fig, t):
    """The 1000 behaviors of the page's history as a grid; the few of the candidate's category,
    kept by SIM's hard search, carry almost all of DIN's weight."""
    ax = canvas(fig)
    rel, kept, error = sim_stats()
    cols, cell, x0, top = 50, 7.2, 22, 262
    rows = LENGTH // cols
    ax.text(8, 278, t["history"].format(L=LENGTH, cols=cols), ha="left", va="center", fontsize=SIZE)
    grid(ax, x0, top, rows, cols, cell, face=C.fill4, edge=C.bg, lw=0.6)
    ax.add_patch(
        PathPatch(
            cells_path(rel, cols, x0, top, cell), facecolor=C.accent, edgecolor=C.bg, lw=0.6, gid="fact-kept-cells"
        )
    )
    y = top - rows * cell - 22
    share = 100 * len(rel) / LENGTH
    lines = (
        (t["gsu"].format(k=len(rel), share=share), "fact-gsu", "bold"),
        (t["esu"].format(k=len(rel)), "fact-esu", "normal"),
        (t["kept"].format(w=100 * kept), "fact-kept", "normal"),
        (t["error"].format(e=error), "fact-error", "normal"),
    )
    for i, (text, gid, weight) in enumerate(lines):
        ax.text(8, y - i * 22, text, ha="left", va="center", fontsize=SIZE, fontweight=weight, gid=gid)

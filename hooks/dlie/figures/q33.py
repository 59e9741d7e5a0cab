"""Figures of question 33 (feature-interaction models for CTR prediction: FM's O(kn) identity on
the page's example, and the lineage LR → FM → Wide & Deep → DeepFM → DCN/DCN-V2 → AutoInt)."""

from __future__ import annotations

import numpy as np

from dlie.figures import figure
from dlie.figures.diagram import box, canvas, heatmap
from dlie.figures.style import C

LABELS = {
    "zh": {
        "title": "交叉项 ⟨vᵢ, vⱼ⟩xᵢxⱼ（一个样本的 6 个非零特征）",
        "all": "全部格子之和 = ‖Σᵢ vᵢxᵢ‖² = {a:.2f}",
        "diag": "对角线之和 = Σᵢ ‖vᵢ‖²xᵢ² = {b:.2f}",
        "half": "(全部 − 对角线) / 2 = {c:.2f} = 上三角之和",
        "i": "i",
        "j": "j",
        "lr": "人工交叉特征",
        "fm": "隐向量内积，2 阶",
        "wd": "人工交叉 + MLP",
        "deepfm": "FM + MLP，共享嵌入",
        "dcn": "交叉层，阶数 = 层数 + 1",
        "autoint": "域间多头自注意力",
        "manual": "人工",
        "explicit": "显式",
        "both": "显式 + 隐式",
        "mixed": "人工 + 隐式",
        "model": "模型",
        "how": "交叉从哪里来",
        "kind": "交叉",
    },
    "en": {
        "title": "pair terms ⟨vᵢ, vⱼ⟩xᵢxⱼ (6 non-zero features of one example)",
        "all": "all cells = ‖Σᵢ vᵢxᵢ‖² = {a:.2f}",
        "diag": "diagonal = Σᵢ ‖vᵢ‖²xᵢ² = {b:.2f}",
        "half": "(all − diagonal) / 2 = {c:.2f} = upper triangle",
        "i": "i",
        "j": "j",
        "lr": "hand-made crosses",
        "fm": "latent inner products, degree 2",
        "wd": "hand-made crosses + MLP",
        "deepfm": "FM + MLP, shared embeddings",
        "dcn": "cross layers, degree = layers + 1",
        "autoint": "self-attention over fields",
        "manual": "manual",
        "explicit": "explicit",
        "both": "explicit + implicit",
        "mixed": "manual + implicit",
        "model": "model",
        "how": "where crosses come from",
        "kind": "crosses",
    },
}
KEEP = {"deepfm", "wide", "deep", "autoint", "dcn-v2"}

SIZE = 13


def page_example() -> tuple[np.ndarray, np.ndarray]:
    """The page's sparse example, drawn with the same generator calls as its code: the 6 non-zero
    values x[idx] and their latent vectors V[idx] (n = 40 features, k = 8)."""
    rng = np.random.default_rng(0)
    n, k = 40, 8
    x = np.zeros(n)
    idx = rng.choice(n, 6, replace=False)
    x[idx] = rng.uniform(0.5, 1.5, 6)
    V = rng.normal(scale=0.3, size=(n, k))
    return x[idx], V[idx]


def fm_pairs_fast(x, V) -> float:
    """FM's pair term in O(kn): ½ Σ_f [(Σ_i v_if x_i)² − Σ_i v_if² x_i²] (the page's function)."""
    s = V.T @ x
    return float(0.5 * (s @ s - ((V**2).T @ x**2).sum()))


def pair_matrix(x, V) -> np.ndarray:
    """M[i, j] = ⟨v_i, v_j⟩ x_i x_j for every pair, diagonal included."""
    return (V @ V.T) * np.outer(x, x)


@figure("q33/fm-identity", size=(5.6, 4.9))
def fm_identity(fig, t):
    """The 6×6 matrix of pair terms of the page's example: the whole square sums to ‖Σ vᵢxᵢ‖², the
    diagonal to Σ‖vᵢ‖²xᵢ²; half their difference is the upper triangle, FM's pair term."""
    ax = canvas(fig)
    x, V = page_example()
    M = pair_matrix(x, V)
    m = len(x)
    cell, x0, top = 40, 90, 316
    colors = [[C.accent if j > i else C.accent2 if i == j else C.accent4 for j in range(m)] for i in range(m)]
    ax.text(8, 342, t["title"], ha="left", va="center", fontsize=SIZE)
    heatmap(ax, x0, top, M.tolist(), cell, colors=colors, size=SIZE, gid="fact-cell", text_gid="fact-pair")
    for r in range(m):
        ax.text(x0 - 10, top - (r + 0.5) * cell, str(r + 1), ha="right", va="center", fontsize=SIZE, color=C.muted)
        ax.text(x0 + (r + 0.5) * cell, top + 10, str(r + 1), ha="center", va="center", fontsize=SIZE, color=C.muted)
    ax.text(x0 - 30, top - m * cell / 2, t["i"], ha="center", va="center", fontsize=SIZE, style="italic")
    s = V.T @ x
    a, b = float(s @ s), float(((V**2).T @ x**2).sum())
    ys = (62, 40, 18)
    ax.text(8, ys[0], t["all"].format(a=a), ha="left", va="center", fontsize=SIZE, gid="fact-all")
    ax.text(8, ys[1], t["diag"].format(b=b), ha="left", va="center", fontsize=SIZE, color=C.fg, gid="fact-diag")
    ax.text(
        8,
        ys[2],
        t["half"].format(c=fm_pairs_fast(x, V)),
        ha="left",
        va="center",
        fontsize=SIZE,
        fontweight="bold",
        gid="fact-half",
    )


# the lineage: (name, year, label key of how crosses arise, label key of their kind)
LINEAGE = (
    ("LR", "", "lr", "manual"),
    ("FM", "2010", "fm", "explicit"),
    ("Wide & Deep", "2016", "wd", "mixed"),
    ("DeepFM", "2017", "deepfm", "both"),
    ("DCN / DCN-V2", "2017 / 2021", "dcn", "explicit"),
    ("AutoInt", "2019", "autoint", "explicit"),
)
KIND_COLOUR = {"manual": C.muted, "explicit": C.accent, "both": C.accent3, "mixed": C.accent2}
KIND_FILL = {"manual": C.fill4, "explicit": C.fill, "both": C.fill3, "mixed": C.fill2}


@figure("q33/lineage", size=(5.6, 3.9))
def lineage(fig, t):
    """One row per model, oldest idea first: its name and year, where its crosses come from, and
    whether they are hand-made, explicit (built into the structure) or implicit (an MLP)."""
    ax = canvas(fig)
    row, top = 40, 246
    ax.text(62, top + 22, t["model"], ha="center", va="center", fontsize=SIZE, color=C.muted)
    ax.text(132, top + 22, t["how"], ha="left", va="center", fontsize=SIZE, color=C.muted)
    for r, (name, year, how, kind) in enumerate(LINEAGE):
        y = top - r * row
        box(ax, 62, y, 116, 32, face=KIND_FILL[kind], edge=KIND_COLOUR[kind], gid="fact-model")
        ax.text(62, y + (6 if year else 0), name, ha="center", va="center", fontsize=SIZE, fontweight="bold")
        if year:
            ax.text(62, y - 8, year, ha="center", va="center", fontsize=SIZE, color=C.fg)
        ax.text(132, y + 7, t[how], ha="left", va="center", fontsize=SIZE, gid="fact-how")
        ax.text(132, y - 10, t[kind], ha="left", va="center", fontsize=SIZE, color=C.fg, gid=f"fact-kind-{kind}")

"""Figures of question 40 (where ranking models are going: semantic IDs by residual quantization,
generative retrieval that decodes the next item's semantic ID)."""

from __future__ import annotations

from functools import cache

import numpy as np

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas
from dlie.figures.style import C

LABELS = {
    "zh": {
        "y": "平均残差能量 ‖r‖²",
        "before": "量化前",
        "level": "第 {i} 层后",
        "note": "每层码本 {k} 个码字",
        "history": "用户历史：每个视频写成 3 个语义 ID 码字",
        "model": "序列模型（Transformer）",
        "decode": "逐位生成下一个视频的语义 ID（束搜索）",
        "lookup": "查表：语义 ID → 视频",
    },
    "en": {
        "y": "mean residual energy ‖r‖²",
        "before": "input",
        "level": "after level {i}",
        "note": "{k} codewords per level",
        "history": "user history: each video as 3 semantic-ID codewords",
        "model": "sequence model (Transformer)",
        "decode": "decode the next video's semantic ID (beam search)",
        "lookup": "lookup: semantic ID → video",
    },
}
KEEP = {"ID", "Transformer"}

FS = 12
# the page's code: 8 categories of 100 videos in 16 dimensions, 3 levels of 8 codewords
N_CAT, PER, D, LEVELS, K = 8, 100, 16, 3, 8


def kmeans(R, k, iters=20):
    """k-means with farthest-point initialization, as the page's ``kmeans``."""
    C = [R[0]]
    for _ in range(k - 1):
        C.append(R[np.min([((R - c) ** 2).sum(1) for c in C], 0).argmax()])
    C = np.array(C)
    for _ in range(iters):
        a = ((R[:, None] - C[None]) ** 2).sum(-1).argmin(1)
        C = np.array([R[a == j].mean(0) if np.any(a == j) else C[j] for j in range(k)])
    return C, a


@cache
def residual_quantization() -> tuple[tuple[float, ...], np.ndarray]:
    """The page's simulation: (mean squared norm of the residual before and after each level,
    the semantic IDs of the 800 videos)."""
    rng = np.random.default_rng(0)
    centers = rng.normal(0, 3, (N_CAT, D))
    cat = np.repeat(np.arange(N_CAT), PER)
    X = centers[cat] + rng.normal(0, 1, (N_CAT * PER, D))
    R, codes, energy = X.copy(), [], [float((X**2).sum(1).mean())]
    for _ in range(LEVELS):
        C, a = kmeans(R, K)
        R = R - C[a]
        codes.append(a)
        energy.append(float((R**2).sum(1).mean()))
    return tuple(energy), np.stack(codes, 1)


@figure("q40/residual-energy", size=(5.6, 2.9))
def residual_energy(fig, t):
    """Residual energy before quantization and after each level: the first codeword (the coarse
    category) removes most of it, later levels refine."""
    energy, _ = residual_quantization()
    ax = fig.add_axes((0.13, 0.14, 0.84, 0.8))
    xs = np.arange(len(energy))
    colours = [C.muted] + [C.accent] * LEVELS
    ax.bar(xs, energy, width=0.6, color=colours, gid="fact-bar")
    for x, e in zip(xs, energy, strict=True):
        ax.text(x, e + 3, f"{e:.1f}", ha="center", va="bottom", fontsize=FS, gid="fact-energy")
    ax.set_xticks(xs, [t["before"]] + [t["level"].format(i=i) for i in range(1, LEVELS + 1)], fontsize=FS)
    ax.set_ylabel(t["y"], fontsize=FS)
    ax.set_ylim(0, energy[0] * 1.2)
    ax.text(len(xs) - 0.6, energy[0] * 0.9, t["note"].format(k=K), ha="right", va="center", fontsize=FS)
    ax.spines[["top", "right"]].set_visible(False)


@figure("q40/generative", size=(5.6, 3.4))
def generative(fig, t):
    """Generative retrieval: the history is a sequence of semantic-ID codewords, a sequence model
    decodes the next video's codewords one by one, and a lookup maps the ID back to videos."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    _, sid = residual_quantization()
    items = (0, 420, 150)  # three videos of the page's simulation, oldest first
    nxt = 151  # the next video: the same category as the last one, so the same first codeword
    ax.text(width / 2, 232, t["history"], ha="center", va="center", fontsize=FS, color=C.muted)
    slot = 120
    for j, item in enumerate(items):
        cx = width / 2 + (j - 1) * slot
        label = " ".join(str(int(c)) for c in sid[item])
        box(ax, cx, 205, 96, 26, face=C.fill4, edge=C.muted)
        ax.text(cx, 205, label, ha="center", va="center", fontsize=FS, gid="fact-history-sid")
        arrow(ax, (cx, 191), (width / 2 + (j - 1) * 40, 156))
    box(ax, width / 2, 140, 220, 30, t["model"], face=C.fill, edge=C.accent, size=FS, gid="fact-model")
    arrow(ax, (width / 2, 125), (width / 2, 101))
    target = sid[nxt]
    for i, c in enumerate(target):
        box(ax, width / 2 + (i - 1) * 44, 86, 34, 26, face=C.fill2, edge=C.accent2)
        ax.text(width / 2 + (i - 1) * 44, 86, str(int(c)), ha="center", va="center", fontsize=FS, gid="fact-next")
    ax.text(width / 2, 58, t["decode"], ha="center", va="center", fontsize=FS, color=C.accent2)
    box(ax, width / 2, 22, 220, 26, t["lookup"], face=C.fill3, edge=C.accent3, size=FS)

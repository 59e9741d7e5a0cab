"""Figures of question 15 (cross-modal learning: joint vs coordinated representations, CLIP's
in-batch contrastive loss)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

from dlie import nn
from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, heatmap, node
from dlie.figures.style import C

LABELS = {
    "zh": {
        "joint": "联合表示",
        "coordinated": "协调表示（如 CLIP）",
        "video": "视频 x₁",
        "title": "标题 x₂",
        "concat": "拼接",
        "predict": "z → 预测",
        "space": "共享空间",
        "sim": "相似度 u·v",
        "need-joint": "推理时两种模态都要有",
        "need-coord": "单一模态即可得到向量",
        "probs": "行 softmax：视频 i 配哪条文本？",
        "grad": "梯度 ∂L/∂S",
        "pull": "− 拉近正样本对（对角线）",
        "push": "+ 推开负样本，越难推得越狠",
        "rows": "视频 u",
        "cols": "文本 v",
    },
    "en": {
        "joint": "joint representation",
        "coordinated": "coordinated (e.g. CLIP)",
        "video": "video x₁",
        "title": "title x₂",
        "concat": "concat",
        "predict": "z → prediction",
        "space": "shared space",
        "sim": "similarity u·v",
        "need-joint": "needs both modalities",
        "need-coord": "one modality gives its vector",
        "probs": "row softmax: which text fits video i?",
        "grad": "gradient ∂L/∂S",
        "pull": "− pulls positives together (diagonal)",
        "push": "+ pushes negatives, harder ones harder",
        "rows": "videos u",
        "cols": "texts v",
    },
}
KEEP = {"CLIP", "softmax"}


@figure("q15/joint-coordinated", size=(6.4, 4.0))
def joint_coordinated(fig, t):
    """Joint representation (features of both modalities concatenated and fed to one network f)
    next to a coordinated one (an encoder per modality, vectors u and v in a shared space that
    meet only in a similarity)."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    y_in, y_enc, y_mid, y_top = 22, 70, 128, 180
    for p, kind in enumerate(("joint", "coordinated")):
        cx = width * (0.25 + 0.5 * p)
        ax.text(cx, 272, t[kind], ha="center", va="center", fontweight="bold")
        xs = (cx - 54, cx + 54)
        names = ("φ₁", "φ₂") if kind == "joint" else ("f₁", "f₂")
        for x, key, name in zip(xs, ("video", "title"), names, strict=True):
            ax.text(x, y_in, t[key], ha="center", va="center", fontsize=12)
            arrow(ax, (x, y_in + 10), (x, y_enc - 15))
            box(ax, x, y_enc, 56, 30, name, face=C.fill4, edge=C.muted, fontstyle="italic")
        if kind == "joint":
            for k, (x, face, edge) in enumerate(((cx - 14, C.fill, C.accent), (cx + 14, C.fill2, C.accent2))):
                ax.add_patch(
                    Rectangle((x - 14, y_mid - 10), 28, 20, facecolor=face, edgecolor=edge, lw=1.2, gid="fact-concat")
                )
                arrow(ax, (xs[k], y_enc + 15), (x, y_mid - 10))
            ax.text(cx + 34, y_mid, t["concat"], ha="left", va="center", fontsize=12, color=C.muted)
            arrow(ax, (cx, y_mid + 10), (cx, y_top - 15))
            box(ax, cx, y_top, 64, 30, "f", face=C.fill4, edge=C.fg, fontstyle="italic")
            arrow(ax, (cx, y_top + 15), (cx, y_top + 34))
            ax.text(cx, y_top + 44, t["predict"], ha="center", va="center", fontsize=12)
            need = t["need-joint"]
        else:
            ax.add_patch(
                FancyBboxPatch(
                    (cx - 92, y_mid - 20),
                    184,
                    40,
                    boxstyle="round,pad=0,rounding_size=8",
                    fill=False,
                    edgecolor=C.muted,
                    lw=1,
                    ls=(0, (4, 3)),
                )
            )
            ax.text(cx, y_mid - 30, t["space"], ha="center", va="center", fontsize=12, color=C.muted)
            for x, name, face, edge in ((xs[0], "u", C.fill, C.accent), (xs[1], "v", C.fill2, C.accent2)):
                arrow(ax, (x, y_enc + 15), (x, y_mid - 9))
                box(ax, x, y_mid, 40, 18, name, face=face, edge=edge, size=12, fontstyle="italic", gid="fact-vector")
                arrow(ax, (x, y_mid + 9), (cx + (x - cx) * 0.2, y_top - 8))
            node(ax, cx, y_top, "·", r=11, size=18)
            ax.text(cx, y_top + 30, t["sim"], ha="center", va="center", fontsize=12)
            need = t["need-coord"]
        ax.text(cx, 254, need, ha="center", va="center", fontsize=12, color=C.muted)


# a toy batch of N aligned pairs: video vectors u_i, text vectors v_i = u_i + noise, L2-normalised,
# similarity S = u vᵀ / τ, as in the page's code (which uses N = 64; a figure shows 5)
N_PAIRS, DIM, NOISE, TAU, SEED = 5, 16, 0.6, 0.1, 2


def l2n(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def similarity() -> np.ndarray:
    rng = np.random.default_rng(SEED)
    u = l2n(rng.normal(size=(N_PAIRS, DIM)))
    v = l2n(u + NOISE * rng.normal(size=(N_PAIRS, DIM)))
    return u @ v.T / TAU


def loss_grad(S) -> np.ndarray:
    """dL/dS of the symmetric InfoNCE loss: (row softmax + column softmax − 2I) / (2N)."""
    n = len(S)
    return (nn.softmax(S, axis=1) + nn.softmax(S, axis=0) - 2 * np.eye(n)) / (2 * n)


@figure("q15/in-batch", size=(6.4, 3.5))
def in_batch(fig, t):
    """A batch of 5 video–text pairs: the row softmax of the similarity matrix (each row a 5-way
    classification, positives on the outlined diagonal) and the gradient of the symmetric InfoNCE
    loss: negative on the diagonal (pull), positive elsewhere (push), larger for harder negatives."""
    ax = canvas(fig)
    S = similarity()
    probs, grad = nn.softmax(S, axis=1), loss_grad(S)
    n, cell, top = N_PAIRS, 30, 200
    x_left, x_right = 52, 52 + n * cell + 70
    heatmap(ax, x_left, top, probs.tolist(), cell, scale=1.0, gid="fact-p-cell", text_gid="fact-p")
    signs = [["−" if g < 0 else "+" for g in row] for row in grad]
    colours = [[C.accent3 if g < 0 else C.accent2 for g in row] for row in grad]
    heatmap(ax, x_right, top, grad.tolist(), cell, colors=colours, texts=signs, size=14, text_gid="fact-sign")
    for x0, key in ((x_left, "probs"), (x_right, "grad")):
        mid = x0 + n * cell / 2
        ax.text(mid, top + 34, t[key], ha="center", va="center", fontweight="bold", fontsize=12)
        for i in range(n):
            ax.add_patch(Rectangle((x0 + i * cell, top - (i + 1) * cell), cell, cell, fill=False, edgecolor=C.fg, lw=2))
            ax.text(x0 + (i + 0.5) * cell, top + 10, f"v{i + 1}", ha="center", va="center", fontsize=12)
            ax.text(x0 - 6, top - (i + 0.5) * cell, f"u{i + 1}", ha="right", va="center", fontsize=12)
    ax.text(x_left + n * cell / 2, top - n * cell - 16, t["cols"] + " →", ha="center", va="center", fontsize=12)
    ax.text(
        x_right + n * cell / 2, top - n * cell - 16, t["pull"], ha="center", va="center", fontsize=12, color=C.accent3
    )
    ax.text(
        x_right + n * cell / 2, top - n * cell - 34, t["push"], ha="center", va="center", fontsize=12, color=C.accent2
    )

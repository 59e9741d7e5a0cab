"""Figures of question 12 (residual learning: the degradation problem, identity as zero weights)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from dlie.figures import figure
from dlie.figures.diagram import canvas, grid
from dlie.figures.style import C

LABELS = {
    "zh": {
        "title": "ImageNet 验证集 top-1 错误率（10-crop）",
        "layers": "{n} 层",
        "error": "错误率（%）",
        "plain": "普通网络",
        "resnet": "ResNet",
        "plain-title": "普通层：y = W ∗ x",
        "res-title": "残差块：y = x + F(x)",
        "plain-need": "恒等 ⇔ W 必须恰为此核",
        "res-need": "F 末层 W = 0 ⇒ 恒等",
        "in": "输入 {i}",
        "out": "输出 {i}",
        "key": "着色格 = 1，空白格 = 0",
    },
    "en": {
        "title": "ImageNet top-1 validation error (10-crop)",
        "layers": "{n} layers",
        "error": "error (%)",
        "plain": "plain",
        "resnet": "ResNet",
        "plain-title": "plain layer: y = W ∗ x",
        "res-title": "residual block: y = x + F(x)",
        "plain-need": "identity ⇔ exactly this W",
        "res-need": "last W of F = 0 ⇒ identity",
        "in": "in {i}",
        "out": "out {i}",
        "key": "colored cell = 1, empty cell = 0",
    },
}
KEEP = {"ImageNet", "ResNet", "crop"}

# He et al. (CVPR 2016), Table 2: ImageNet top-1 error (%, 10-crop testing) of the plain and
# residual networks; the page's table states the same numbers (a test compares them).
IMAGENET_TOP1 = {"plain": {18: 27.94, 34: 28.54}, "resnet": {18: 27.88, 34: 25.03}}


@figure("q12/degradation", size=(6.4, 3.4))
def degradation(fig, t):
    """The degradation problem in the ResNet paper's numbers: from 18 to 34 layers the plain
    network's top-1 error rises while the residual network's falls."""
    ax = fig.add_axes((0.15, 0.16, 0.56, 0.72))
    depths = sorted(IMAGENET_TOP1["plain"])
    for name, colour, marker in (("plain", C.accent2, "s"), ("resnet", C.accent, "o")):
        errs = [IMAGENET_TOP1[name][d] for d in depths]
        ax.plot(depths, errs, color=colour, marker=marker, ms=7, gid=f"fact-line-{name}")
        for d, e in zip(depths, errs, strict=True):
            right = d == depths[-1]
            ax.annotate(
                f"{e:.2f}",
                (d, e),
                xytext=(10, 0) if right else (-10, 6 if name == "plain" else -6),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=12,
                color=colour,
                gid=f"fact-err-{name}",
            )
        ax.annotate(
            t[name],
            (depths[-1], errs[-1]),
            xytext=(52, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=colour,
            fontweight="bold",
        )
    ax.set_xticks(depths, [t["layers"].format(n=d) for d in depths])
    ax.set_xlim(depths[0] - 6, depths[-1] + 6)
    ax.set_ylim(24.5, 29)
    ax.set_ylabel(t["error"])
    ax.grid(axis="y", lw=0.6)
    ax.set_title(t["title"], loc="left", x=-0.18, pad=12)


def identity_kernel(channels: int, k: int) -> np.ndarray:
    """The conv weight (out, in, k, k) that maps every input to itself (with 'same' padding):
    1 at the centre of the kernel from input channel i to output channel i, 0 everywhere else."""
    w = np.zeros((channels, channels, k, k))
    for i in range(channels):
        w[i, i, k // 2, k // 2] = 1.0
    return w


CHANNELS, K = 3, 3


@figure("q12/identity-weights", size=(6.4, 3.5))
def identity_weights(fig, t):
    """Conv weights that make a layer the identity: a plain conv layer needs exactly the identity
    kernel (one 1 per output channel, at the centre of its own input channel's kernel); in a
    residual block it is enough that the last conv of the branch F is all zeros (F = 0), where
    zero initialization and weight decay already pull."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    cell, gap = 13, 7
    side = CHANNELS * K * cell + (CHANNELS - 1) * gap
    for p, (name, w) in enumerate(
        (("plain", identity_kernel(CHANNELS, K)), ("res", np.zeros((CHANNELS, CHANNELS, K, K))))
    ):
        cx = width * (0.27 + 0.5 * p)
        x0, top = cx - side / 2 + 12, 200
        ax.text(cx, 232, t[f"{name}-title"], ha="center", va="center", fontweight="bold")
        for o in range(CHANNELS):
            y = top - o * (K * cell + gap)
            ax.text(x0 - 6, y - K * cell / 2, t["out"].format(i=o + 1), ha="right", va="center", fontsize=12)
            for i in range(CHANNELS):
                x = x0 + i * (K * cell + gap)
                if o == 0:
                    ax.text(x + K * cell / 2, top + 10, t["in"].format(i=i + 1), ha="center", va="center", fontsize=12)
                grid(ax, x, y, K, K, cell, face=C.fill4, edge=C.grid)
                for r, c in zip(*np.nonzero(w[o, i]), strict=True):
                    ax.add_patch(
                        Rectangle(
                            (x + c * cell, y - (r + 1) * cell),
                            cell,
                            cell,
                            facecolor=C.accent,
                            edgecolor=C.accent,
                            gid=f"fact-one-{name}",
                        )
                    )
        ax.text(cx, top - side - 22, t[f"{name}-need"], ha="center", va="center", color=C.accent if p else C.accent2)
    ax.text(width / 2, 14, t["key"], ha="center", va="center", fontsize=12, color=C.muted)

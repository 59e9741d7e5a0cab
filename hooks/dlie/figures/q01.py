"""Figures of question 1 (deep learning overview): one unit σ(wᵀx + b), XOR learned by one ReLU
hidden layer (the page's own training run), and stacked linear layers collapsing into one."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

from dlie import nn
from dlie.figures import figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "inputs": "输入",
        "sum": "加权求和",
        "act": "激活",
        "out": "输出",
        "bias": "偏置 b",
        "z": "z = wᵀx + b",
        "a": "a = σ(z)",
        "linear": "线性模型（最小二乘）",
        "mlp": "ReLU 隐层（{h} 个单元）",
        "flat": "处处 ŷ = {v:g}",
        "class0": "y = 0",
        "class1": "y = 1",
        "boundary": "决策边界 p = 0.5",
        "nolin": "无激活：两层 = 一层",
        "withrelu": "中间加 ReLU：分段线性",
        "two": "W₂(W₁x + b₁) + b₂",
        "one": "(W₂W₁)x + (W₂b₁ + b₂)",
        "net": "W₂ ReLU(W₁x + b₁) + b₂",
        "kink": "折点（某个隐单元 z = 0）",
    },
    "en": {
        "inputs": "inputs",
        "sum": "weighted sum",
        "act": "activation",
        "out": "output",
        "bias": "bias b",
        "z": "z = wᵀx + b",
        "a": "a = σ(z)",
        "linear": "linear model (least squares)",
        "mlp": "one ReLU hidden layer ({h} units)",
        "flat": "ŷ = {v:g} everywhere",
        "class0": "y = 0",
        "class1": "y = 1",
        "boundary": "decision boundary p = 0.5",
        "nolin": "no activation: 2 layers = 1 layer",
        "withrelu": "ReLU in between: piecewise linear",
        "two": "W₂(W₁x + b₁) + b₂",
        "one": "(W₂W₁)x + (W₂b₁ + b₂)",
        "net": "W₂ ReLU(W₁x + b₁) + b₂",
        "kink": "kink (a hidden unit's z = 0)",
    },
}
KEEP = {"ReLU"}

# the page's XOR data and training run (code block, parts 2 and 3)
X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
Y_XOR = np.array([0, 1, 1, 0], float)
HIDDEN, STEPS, LR = 8, 3000, 0.5


def xor_linear_fit() -> np.ndarray:
    """The best linear fit to XOR (least squares on [x₁, x₂, 1]): its output at the four points."""
    a = np.c_[X_XOR, np.ones(4)]
    return a @ np.linalg.lstsq(a, Y_XOR, rcond=None)[0]


def xor_mlp():
    """The page's run: rng seeded 0, part 1's draws, then one ReLU hidden layer of 8 units trained
    by full-batch gradient descent on mean cross-entropy (3000 steps, learning rate 0.5)."""
    rng = np.random.default_rng(0)
    rng.normal(size=(8, 2)), rng.normal(size=(1, 8)), rng.normal(size=(2, 5))  # part 1 of the block
    x, y = X_XOR, Y_XOR
    w1, b1 = rng.normal(size=(2, HIDDEN)), np.zeros(HIDDEN)
    w2, b2 = rng.normal(size=HIDDEN), 0.0
    for _ in range(STEPS):
        z = x @ w1 + b1
        h = nn.relu(z)
        p = nn.sigmoid(h @ w2 + b2)
        g = (p - y) / len(y)
        gz = np.outer(g, w2) * (z > 0)
        w2 = w2 - LR * h.T @ g
        b2 = b2 - LR * g.sum()
        w1 = w1 - LR * x.T @ gz
        b1 = b1 - LR * gz.sum(0)
    return w1, b1, w2, b2


def mlp_prob(points: np.ndarray, params) -> np.ndarray:
    w1, b1, w2, b2 = params
    return nn.sigmoid(nn.relu(points @ w1 + b1) @ w2 + b2)


# a random 1 → 8 → 1 network for the collapse figure
COLLAPSE_SEED, COLLAPSE_WIDTH, XLIM = 18, 8, 3.0


def collapse_net():
    rng = np.random.default_rng(COLLAPSE_SEED)
    w1, b1 = rng.normal(size=COLLAPSE_WIDTH), rng.normal(size=COLLAPSE_WIDTH)
    w2, b2 = rng.normal(size=COLLAPSE_WIDTH), rng.normal()
    return w1, b1, w2, b2


def collapse_kinks() -> np.ndarray:
    """Where a hidden unit switches (w₁ᵢx + b₁ᵢ = 0) inside the plotted range: the ReLU net's kinks."""
    w1, b1, _, _ = collapse_net()
    x = -b1 / w1
    return np.sort(x[np.abs(x) < XLIM])


@figure("q01/neuron", size=(6.4, 2.5))
def neuron(fig, t):
    """One unit: inputs x₁…x₃, weights on the edges, weighted sum plus bias, activation, output."""
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 12.8)
    ax.set_ylim(0, 5)
    ax.set_aspect("equal")
    ax.axis("off")
    ys = (3.9, 2.5, 1.1)
    sx, sy = 5.2, 2.5
    for i, y in enumerate(ys):
        ax.add_patch(Circle((1.4, y), 0.42, facecolor=C.fill4, edgecolor=C.fg, lw=1.2))
        ax.text(1.4, y, f"x{'₁₂₃'[i]}", ha="center", va="center")
        ax.annotate(
            "",
            xy=(sx - 0.62, sy + (y - sy) * 0.18),
            xytext=(1.85, y),
            arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.4},
        )
        ax.text(
            (1.85 + sx) / 2 - 0.2,
            (y + sy) / 2 + 0.18 + (y - sy) * 0.1,
            f"w{'₁₂₃'[i]}",
            ha="center",
            va="bottom",
            color=C.accent,
        )
    ax.text(1.4, 4.45, t["inputs"], ha="center", va="bottom", color=C.muted)
    ax.add_patch(Circle((sx, sy), 0.6, facecolor=C.fill, edgecolor=C.accent, lw=1.5))
    ax.text(sx, sy, "Σ", ha="center", va="center", fontsize=16)
    ax.annotate("", xy=(sx, sy - 0.62), xytext=(sx, 0.75), arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.4})
    ax.text(sx, 0.55, t["bias"], ha="center", va="top", color=C.accent)
    ax.text(sx, sy + 0.8, t["sum"], ha="center", va="bottom")
    ax.text(sx, 4.25, t["z"], ha="center", va="bottom", color=C.muted)
    # the activation box holds a small plot of ReLU drawn from nn.relu
    bx, bw = 7.6, 1.6
    ax.add_patch(
        FancyBboxPatch(
            (bx, sy - bw / 2), bw, bw, boxstyle="round,pad=0.05", facecolor=C.fill2, edgecolor=C.accent2, lw=1.5
        )
    )
    ax.annotate(
        "", xy=(bx - 0.1, sy), xytext=(sx + 0.62, sy), arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.4}
    )
    ax.text(6.4, sy + 0.12, "z", ha="center", va="bottom")
    zz = np.linspace(-1, 1, 21)
    ax.plot(bx + bw / 2 + zz * 0.6, sy - 0.45 + nn.relu(zz) * 0.9, color=C.accent2, lw=2)
    ax.text(bx + bw / 2, sy + bw / 2 + 0.2, t["act"], ha="center", va="bottom")
    ax.text(bx + bw / 2, 4.25, t["a"], ha="center", va="bottom", color=C.muted)
    ax.annotate(
        "", xy=(11.0, sy), xytext=(bx + bw + 0.15, sy), arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.4}
    )
    ax.add_patch(Circle((11.5, sy), 0.42, facecolor=C.fill4, edgecolor=C.fg, lw=1.2))
    ax.text(11.5, sy, "a", ha="center", va="center")
    ax.text(11.5, sy + 0.6, t["out"], ha="center", va="bottom", color=C.muted)


def _xor_points(ax):
    for cls, marker, colour in ((0, "o", C.accent), (1, "s", C.accent2)):
        pts = X_XOR[np.equal(Y_XOR, cls)]
        ax.scatter(pts[:, 0], pts[:, 1], s=110, marker=marker, color=colour, edgecolors=C.fg, linewidths=1, zorder=3)
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel("x₁", labelpad=0)
    ax.set_ylabel("x₂", labelpad=2, rotation=0, va="center")


@figure("q01/xor", size=(6.4, 3.3))
def xor(fig, t):
    """XOR: the least-squares linear model outputs 0.5 at every point; the page's trained ReLU
    hidden layer (8 units) carves the plane into regions that classify all four points."""
    left = fig.add_axes((0.1, 0.25, 0.34, 0.62))
    right = fig.add_axes((0.6, 0.25, 0.34, 0.62))
    flat = xor_linear_fit()
    left.add_patch(Rectangle((-0.5, -0.5), 2, 2, facecolor=C.fill4, edgecolor="none"))
    _xor_points(left)
    left.set_title(t["linear"], pad=6)
    left.text(
        0.5, 0.5, t["flat"].format(v=round(float(flat.mean()), 6)), ha="center", va="center", color=C.fg, fontsize=12
    )
    params = xor_mlp()
    g = np.linspace(-0.5, 1.5, 51)
    gx, gy = np.meshgrid(g, g)
    p = mlp_prob(np.c_[gx.ravel(), gy.ravel()], params).reshape(gx.shape)
    right.contourf(gx, gy, p, levels=[0, 0.5, 1], colors=[C.fill, C.fill2])
    right.contour(gx, gy, p, levels=[0.5], colors=[C.fg], linewidths=1.5)
    _xor_points(right)
    right.set_title(t["mlp"].format(h=HIDDEN), pad=6)
    handles = [
        Line2D([], [], ls="none", marker="o", ms=10, color=C.accent, mec=C.fg, label=t["class0"]),
        Line2D([], [], ls="none", marker="s", ms=10, color=C.accent2, mec=C.fg, label=t["class1"]),
        Line2D([], [], color=C.fg, lw=1.5, label=t["boundary"]),
    ]
    fig.legend(
        handles=handles, loc="lower center", ncols=3, bbox_to_anchor=(0.5, 0.0), columnspacing=1.6, handletextpad=0.4
    )


@figure("q01/collapse", size=(6.4, 3.2))
def collapse(fig, t):
    """A random 1 → 8 → 1 network: without an activation the two layers are exactly the single
    line (W₂W₁)x + (W₂b₁ + b₂); with ReLU between them the output bends where a hidden unit
    switches on or off."""
    w1, b1, w2, b2 = collapse_net()
    x = np.linspace(-XLIM, XLIM, 241)
    two = (np.outer(x, w1) + b1) @ w2 + b2
    one = x * (w2 @ w1) + (w2 @ b1 + b2)
    kinks = collapse_kinks()
    xs = np.unique(np.r_[-XLIM, kinks, XLIM])  # piecewise linear: exact with its kinks as vertices
    net = nn.relu(np.outer(xs, w1) + b1) @ w2 + b2
    axes = fig.add_axes((0.08, 0.4, 0.38, 0.5)), fig.add_axes((0.58, 0.4, 0.38, 0.5))
    a, b = axes
    a.plot(x, two, color=C.accent, lw=5, alpha=0.4, label=t["two"])
    a.plot(x, one, color=C.accent2, lw=1.8, ls=(0, (4, 3)), label=t["one"])
    a.set_title(t["nolin"], pad=8)
    b.plot(xs, net, color=C.accent3, lw=2, label=t["net"])
    for i, (kx, ky) in enumerate(zip(kinks, nn.relu(np.outer(kinks, w1) + b1) @ w2 + b2, strict=True)):
        b.plot(
            [kx],
            [ky],
            ls="none",
            marker="o",
            ms=7,
            color=C.accent4,
            label=t["kink"] if i == 0 else None,
            gid="fact-kink",
        )
    b.set_title(t["withrelu"], pad=8)
    for ax in axes:
        ax.margins(y=0.12)
        ax.set_xlim(-XLIM, XLIM)
        ax.set_xlabel("x", labelpad=0)
        ax.grid(True, lw=0.6)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), borderaxespad=0, handlelength=1.8)

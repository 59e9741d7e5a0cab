"""Figures of question 26 (activation functions: families, derivatives, self-gating, XOR)."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from matplotlib.lines import Line2D

from dlie import nn
from dlie.figures import figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "saturating": "饱和型",
        "piecewise": "分段线性",
        "gated": "自门控",
        "f": "f(z)",
        "df": "f′(z)",
        "sigmoid": "Sigmoid",
        "tanh": "tanh",
        "relu": "ReLU",
        "leaky": "Leaky (α={a:g})",
        "gelu": "GELU",
        "silu": "SiLU",
        "max": "最大 {v}",
        "gates": "门 g(z)：f(z) = z·g(z)",
        "zoom": "f(z) = z·g(z)，负半轴放大",
        "step": "ReLU：阶跃 1[z>0]",
        "phi": "GELU：Φ(z)",
        "sig": "SiLU：σ(z)",
        "min": "最小 {v}",
        "plane": "最优线性模型",
        "mse-lin": "MSE = {v}",
        "relu-net": "两个 ReLU 单元",
        "formula": "h = ReLU(s) − 2·ReLU(s−1)",
        "mse-relu": "MSE = {v}",
        "target": "目标 t = {v}",
        "s": "s = x₁ + x₂",
    },
    "en": {
        "saturating": "saturating",
        "piecewise": "piecewise linear",
        "gated": "self-gated",
        "f": "f(z)",
        "df": "f′(z)",
        "sigmoid": "sigmoid",
        "tanh": "tanh",
        "relu": "ReLU",
        "leaky": "Leaky (α={a:g})",
        "gelu": "GELU",
        "silu": "SiLU",
        "max": "max {v}",
        "gates": "gate g(z): f(z) = z·g(z)",
        "zoom": "f(z) = z·g(z), negative side",
        "step": "ReLU: step 1[z>0]",
        "phi": "GELU: Φ(z)",
        "sig": "SiLU: σ(z)",
        "min": "min {v}",
        "plane": "best linear model",
        "mse-lin": "MSE = {v}",
        "relu-net": "two ReLU units",
        "formula": "h = ReLU(s) − 2·ReLU(s−1)",
        "mse-relu": "MSE = {v}",
        "target": "target t = {v}",
        "s": "s = x₁ + x₂",
    },
}
KEEP = {"Sigmoid", "tanh", "ReLU", "Leaky", "GELU", "SiLU", "MSE"}

SIZE = 13  # every text in these figures: 5.6 in wide with 13 px text fits a phone
LEAKY_ALPHA = 0.1  # large enough to see (frameworks default to 0.01)
Z = np.linspace(-4, 4, 41)  # smooth curves: 41 points (every 0.2) keep the SVG small
KINKS = np.array([-4.0, 0.0, 4.0])  # a piecewise-linear function is exact through its vertices


# ---- the functions (GELU and SiLU as the page's code writes them) -------------------------------
_erf = np.vectorize(math.erf)


def phi(z):
    """Standard normal CDF Φ(z) = (1 + erf(z/√2))/2."""
    return 0.5 * (1 + _erf(np.asarray(z, dtype=float) / math.sqrt(2)))


def gelu(z):
    """GELU(z) = z·Φ(z), the page's ``gelu``."""
    return np.asarray(z, dtype=float) * phi(z)


def gelu_grad(z):
    """GELU′(z) = Φ(z) + z·φ(z), φ the standard normal density."""
    z = np.asarray(z, dtype=float)
    return phi(z) + z * np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)


def silu(z):
    """SiLU(z) = z·σ(z)."""
    return np.asarray(z, dtype=float) * nn.sigmoid(z)


def silu_grad(z):
    """SiLU′(z) = σ(z)·(1 + z·(1 − σ(z)))."""
    s = nn.sigmoid(z)
    return s * (1 + np.asarray(z, dtype=float) * (1 - s))


def leaky_grad(z, a: float = LEAKY_ALPHA):
    return np.where(np.asarray(z) > 0, 1.0, a)


# (family, [(name, f, f′)]): the page's table, two functions per family
FAMILIES = (
    ("saturating", (("sigmoid", nn.sigmoid, nn.sigmoid_grad), ("tanh", np.tanh, nn.tanh_grad))),
    (
        "piecewise",
        (("relu", nn.relu, nn.relu_grad), ("leaky", lambda z: nn.leaky_relu(z, LEAKY_ALPHA), leaky_grad)),
    ),
    ("gated", (("gelu", gelu, gelu_grad), ("silu", silu, silu_grad))),
)


@cache
def extremum(name: str, kind: str) -> tuple[float, float]:
    """(z, value) of the largest derivative (``kind="max-grad"``) or of the smallest function value
    (``kind="min"``) of "gelu", "silu", "sigmoid" or "tanh" for z in [−10, 10]: the best point of a grid
    of step 0.01, refined by golden-section search between its neighbours."""
    f, df = {
        "gelu": (gelu, gelu_grad),
        "silu": (silu, silu_grad),
        "sigmoid": (nn.sigmoid, nn.sigmoid_grad),
        "tanh": (np.tanh, nn.tanh_grad),
    }[name]
    g = (lambda z: -float(df(z))) if kind == "max-grad" else (lambda z: float(f(z)))
    grid = np.linspace(-10, 10, 2001)
    values = [g(z) for z in grid]
    i = int(np.argmin(values))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    r = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        c, d = b - r * (b - a), a + r * (b - a)
        if g(c) < g(d):
            b = d
        else:
            a = c
    z = (a + b) / 2
    return z, -g(z) if kind == "max-grad" else g(z)


def num(v: float, digits: int = 2) -> str:
    """A value as the figures print it: two decimals, a typographic minus."""
    return f"{v:.{digits}f}".replace("-", "−")


def style_axes(ax, xlim, ylim, xticks, yticks, left: bool, xlabels: bool = True):
    """Limits and a few ticks (labels on the left column and the bottom row only), the axes
    through 0 as guides; no grid (six small panels' grids would double the SVG)."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xticks(xticks if xlabels else [], [num(v, 0) for v in xticks] if xlabels else [])
    ax.set_yticks(yticks if left else [], [f"{v:g}".replace("-", "−") for v in yticks] if left else [])
    ax.tick_params(labelsize=SIZE, length=3, pad=2)
    ax.axhline(0, color=C.grid, lw=0.8, zorder=0)
    ax.axvline(0, color=C.grid, lw=0.8, zorder=0)


def panel(fig, x, y, w, h):
    """An axes at (x, y, w, h) in CSS px of the figure (y from the bottom)."""
    W, H = (v * 72 for v in fig.get_size_inches())
    return fig.add_axes((x / W, y / H, w / W, h / H))


@figure("q26/activations", size=(5.6, 5.2))
def activations(fig, t):
    """Six activations by family (rows) with their derivatives (right): Sigmoid's derivative
    peaks at 1/4 and tanh's at 1, both fading to 0; ReLU's is 0 or 1 and Leaky ReLU's α or 1;
    GELU's and SiLU's are smooth, negative for part of the negative side, and peak a little
    above 1 (1.13, 1.10)."""
    W, H = (v * 72 for v in fig.get_size_inches())
    colours = (C.accent, C.accent2)
    xs, pw, ph = (32, 238), 160, 78
    fig.text(xs[0] + pw / 2, H - 12, t["f"], ha="center", va="center", fontsize=SIZE, transform=None)
    fig.text(xs[1] + pw / 2, H - 12, t["df"], ha="center", va="center", fontsize=SIZE, transform=None)
    for row, (family, funcs) in enumerate(FAMILIES):
        y = H - 24 - (row + 1) * 20 - row * (ph + 12) - ph  # bottom of this row's panels
        fig.text(
            W / 2, y + ph + 10, t[family], ha="center", va="center", fontsize=SIZE, fontweight="bold", transform=None
        )
        top, bot = panel(fig, xs[0], y, pw, ph), panel(fig, xs[1], y, pw, ph)
        last = row == len(FAMILIES) - 1
        style_axes(top, (-4, 4), (-1.3, 4.2), (-4, 0, 4), (0, 2, 4), True, xlabels=last)
        style_axes(bot, (-4, 4), (-0.25, 1.6), (-4, 0, 4), (0, 1), True, xlabels=last)
        bot.axhline(1, color=C.muted, lw=1, ls=(0, (3, 3)), zorder=0)
        for k, ((name, f, df), colour) in enumerate(zip(funcs, colours, strict=True)):
            if family == "piecewise":  # exact through the kink; the derivative jumps at 0
                top.plot(KINKS, f(KINKS), color=colour, lw=2, gid=f"fact-f-{name}")
                for side in ((-4.0, -0.0001), (0.0001, 4.0)):
                    bot.plot(side, df(np.array(side)), color=colour, lw=2, gid=f"fact-df-{name}")
            else:
                top.plot(Z, f(Z), color=colour, lw=2, gid=f"fact-f-{name}")
                bot.plot(Z, df(Z), color=colour, lw=2, gid=f"fact-df-{name}")
            label = t[name].format(a=LEAKY_ALPHA)
            top.text(-3.7, 3.5 - 1.3 * k, label, ha="left", va="center", fontsize=SIZE, color=colour)
            # the derivative's peak (a dot) and its value, in the band above the curves
            if family != "piecewise":
                z, v = extremum(name, "max-grad")
                bot.plot([z], [v], marker="o", ms=5, color=colour, ls="none")
                bot.text(
                    3.8 if k else -3.8,
                    1.42,
                    t["max"].format(v=num(v)),
                    ha="right" if k else "left",
                    va="center",
                    fontsize=SIZE,
                    color=colour,
                    gid=f"fact-peak-{name}",
                )
        if last:
            top.set_xlabel("z", fontsize=SIZE, labelpad=0)
            bot.set_xlabel("z", fontsize=SIZE, labelpad=0)


# ---- self-gating: f(z) = z·g(z) -----------------------------------------------------------------
GATES = (
    ("step", "relu", lambda z: (np.asarray(z) > 0).astype(float), nn.relu),
    ("phi", "gelu", phi, gelu),
    ("sig", "silu", nn.sigmoid, silu),
)


@figure("q26/gates", size=(5.6, 3.3))
def gates(fig, t):
    """ReLU, GELU and SiLU all multiply z by a gate g(z): a hard step, the normal CDF Φ(z), the
    sigmoid σ(z). The soft gates let a little negative input through, so GELU and SiLU dip below 0
    (minimum −0.17 at z ≈ −0.75 and −0.28 at z ≈ −1.28) before rising: they are non-monotonic."""
    colours = (C.muted, C.accent, C.accent2)
    left, right = panel(fig, 38, 70, 160, 135), panel(fig, 238, 70, 160, 135)
    zoom = np.linspace(-4, 1, 51)  # every 0.1
    handles, line = [], 0.38  # where the next minimum's value is written
    for (key, name, g, f), colour in zip(GATES, colours, strict=True):
        if key == "step":
            (h,) = left.plot([-4, 0, 0, 4], [0, 0, 1, 1], color=colour, lw=2)
            right.plot([-4, 0, 1], [0, 0, 1], color=colour, lw=2)
        else:
            (h,) = left.plot(Z, g(Z), color=colour, lw=2, gid=f"fact-gate-{name}")
            right.plot(zoom, f(zoom), color=colour, lw=2, gid=f"fact-zoom-{name}")
            z, v = extremum(name, "min")
            right.plot([z], [v], marker="o", ms=5, color=colour, ls="none")
            right.text(
                -3.8,
                line,
                t["min"].format(v=num(v)),
                ha="left",
                va="center",
                fontsize=SIZE,
                color=colour,
                gid=f"fact-min-{name}",
            )
            line -= 0.16
        handles.append((h, t[key]))
    style_axes(left, (-4, 4), (-0.1, 1.1), (-4, 0, 4), (0, 0.5, 1), True)
    style_axes(right, (-4, 1), (-0.4, 0.5), (-4, -2, 0, 1), (-0.2, 0, 0.2, 0.4), True)
    left.set_title(t["gates"], fontsize=SIZE, pad=8)
    right.set_title(t["zoom"], fontsize=SIZE, pad=8)
    for ax in (left, right):
        ax.set_xlabel("z", fontsize=SIZE, labelpad=0)
    fig.legend(
        [h for h, _ in handles],
        [label for _, label in handles],
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=3,
        fontsize=SIZE,
        handlelength=1.2,
        columnspacing=1.0,
        handletextpad=0.4,
        borderaxespad=0.3,
    )


# ---- XOR: no linear model, two ReLU units --------------------------------------------------------
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)  # the page's X and t
XOR_T = np.array([0, 1, 1, 0], float)


def xor_linear() -> tuple[np.ndarray, float]:
    """The best linear model w·x + c of the targets (least squares, as the page's code): its
    predictions at the four points and its mean squared error."""
    a = np.c_[XOR_X, np.ones(4)]
    coef = np.linalg.lstsq(a, XOR_T, rcond=None)[0]
    pred = a @ coef
    return pred, float(np.mean((pred - XOR_T) ** 2))


def xor_relu(s):
    """The page's hidden layer of two ReLU units on s = x₁ + x₂: ReLU(s) − 2·ReLU(s − 1)."""
    return nn.relu(s) - 2 * nn.relu(np.asarray(s, dtype=float) - 1)


@figure("q26/xor", size=(5.6, 3.2))
def xor(fig, t):
    """XOR: the best linear model predicts 0.50 at all four points (MSE 0.25); two ReLU units on
    s = x₁ + x₂ give 0, 1, 0 at s = 0, 1, 2, exactly the targets (MSE 0)."""
    pred, mse = xor_linear()
    marks = {0.0: ("o", "none", C.accent2), 1.0: ("o", C.accent, C.accent)}  # hollow t=0, filled t=1
    left, right = panel(fig, 44, 62, 136, 118), panel(fig, 226, 62, 170, 118)
    for (x1, x2), tt, p in zip(XOR_X, XOR_T, pred, strict=True):
        m, face, edge = marks[tt]
        left.plot([x1], [x2], marker=m, ms=10, mfc=face, mec=edge, mew=2, ls="none")
        left.text(
            x1 + 0.1, x2 + 0.2, num(p), ha="left", va="center", fontsize=SIZE, color=C.muted, gid="fact-linear-pred"
        )
    left.set_xlim(-0.4, 1.6)
    left.set_ylim(-0.4, 1.5)
    left.set_xticks((0, 1))
    left.set_yticks((0, 1))
    left.tick_params(labelsize=SIZE, length=3, pad=2)
    left.set_xlabel("x₁", fontsize=SIZE, labelpad=0)
    left.set_ylabel("x₂", fontsize=SIZE, labelpad=2, rotation=0, va="center")
    left.set_title(t["plane"], fontsize=SIZE, pad=24, fontweight="bold")
    left.text(0.6, 1.5, t["mse-lin"].format(v=num(mse)), ha="center", va="bottom", fontsize=SIZE, gid="fact-mse-linear")
    s = np.array([-0.5, 0.0, 1.0, 2.0, 2.5])  # the vertices of the piecewise-linear h
    right.plot(s, xor_relu(s), color=C.accent4, lw=2, gid="fact-relu-net")
    sums = XOR_X.sum(1)
    for x, tt in zip(sums, XOR_T, strict=True):
        m, face, edge = marks[tt]
        right.plot([x], [tt], marker=m, ms=10, mfc=face, mec=edge, mew=2, ls="none")
    relu_mse = float(np.mean((xor_relu(sums) - XOR_T) ** 2))
    right.set_xlim(-0.5, 2.5)
    right.set_ylim(-0.6, 1.45)
    right.set_xticks((0, 1, 2))
    right.set_yticks((0, 1))
    right.tick_params(labelsize=SIZE, length=3, pad=2)
    right.axhline(0, color=C.grid, lw=0.8, zorder=0)
    right.set_xlabel(t["s"], fontsize=SIZE, labelpad=0)
    right.set_title(t["relu-net"], fontsize=SIZE, pad=24, fontweight="bold")
    right.text(
        1.0, 1.45, t["mse-relu"].format(v=f"{relu_mse:g}"), ha="center", va="bottom", fontsize=SIZE, gid="fact-mse-relu"
    )
    right.text(1.0, 1.25, t["formula"], ha="center", va="center", fontsize=SIZE)
    key = [
        Line2D([], [], marker="o", ms=10, mfc=C.accent, mec=C.accent, mew=2, ls="none"),
        Line2D([], [], marker="o", ms=10, mfc="none", mec=C.accent2, mew=2, ls="none"),
    ]
    fig.legend(
        key,
        [t["target"].format(v=1), t["target"].format(v=0)],
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2,
        fontsize=SIZE,
        handletextpad=0.3,
        borderaxespad=0.3,
    )

"""Figures of question 5 (ReLU): ReLU and its derivative beside sigmoid and tanh, the page's dead
unit (every pre-activation below 0), and the gradient's size layer by layer in the page's
30-layer network (sigmoid, ReLU with variance 1/n, ReLU with He initialization)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from dlie import nn
from dlie.figures import figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "f": "激活函数 f(z)",
        "df": "导数 f′(z)",
        "relu": "ReLU",
        "sigmoid": "sigmoid",
        "tanh": "tanh",
        "quarter": "σ′ 最大 1/4",
        "healthy": "正常单元（b = 0）",
        "dead": "死亡单元（b = {b}）",
        "active": "z > 0：f′ = 1",
        "inactive": "z ≤ 0：f′ = 0，没有梯度",
        "count": "z > 0 的样本：{k} / {n}",
        "z": "预激活 z = wᵀx + b",
        "samples": "样本数",
        "depth": "已反向传过的层数",
        "rms": "梯度均方根",
        "sig": "sigmoid + 方差 1/n",
        "relu1": "ReLU + 方差 1/n",
        "he": "ReLU + He 初始化 2/n",
        "theory": "理论 (1/√2)ˡ",
    },
    "en": {
        "f": "activation f(z)",
        "df": "derivative f′(z)",
        "relu": "ReLU",
        "sigmoid": "sigmoid",
        "tanh": "tanh",
        "quarter": "σ′ peaks\nat 1/4",  # two lines: one would cross the tanh′ curve
        "healthy": "healthy unit (b = 0)",
        "dead": "dead unit (b = {b})",
        "active": "z > 0: f′ = 1",
        "inactive": "z ≤ 0: f′ = 0, no gradient",
        "count": "samples with z > 0: {k} / {n}",
        "z": "pre-activation z = wᵀx + b",
        "samples": "samples",
        "depth": "layers back-propagated through",
        "rms": "gradient RMS",
        "sig": "sigmoid + variance 1/n",
        "relu1": "ReLU + variance 1/n",
        "he": "ReLU + He init 2/n",
        "theory": "theory (1/√2)ˡ",
    },
}
KEEP = {"ReLU", "sigmoid", "tanh"}

Z = np.linspace(-4, 4, 161)


@figure("q05/activations", size=(6.4, 3.0))
def activations(fig, t):
    """ReLU, sigmoid and tanh with their derivatives: ReLU's derivative is 0 or 1, sigmoid's never
    exceeds 1/4, tanh's reaches 1 only at 0; both saturating ones fade to 0 for large |z|."""
    left, right = fig.add_axes((0.08, 0.3, 0.38, 0.6)), fig.add_axes((0.59, 0.3, 0.38, 0.6))
    left.plot(Z, nn.relu(Z), color=C.accent, label=t["relu"])
    left.plot(Z, nn.sigmoid(Z), color=C.accent2, label=t["sigmoid"])
    left.plot(Z, np.tanh(Z), color=C.accent3, label=t["tanh"])
    neg, pos = Z[Z < 0], Z[Z > 0]
    right.plot(neg, nn.relu_grad(neg), color=C.accent)
    right.plot(pos, nn.relu_grad(pos), color=C.accent)
    right.plot([0], [0], marker="o", ms=6, color=C.accent, ls="none")  # the subgradient frameworks use at 0
    right.plot([0], [1], marker="o", ms=6, mfc="none", mec=C.accent, mew=1.5, ls="none")
    right.plot(Z, nn.sigmoid_grad(Z), color=C.accent2)
    right.plot(Z, nn.tanh_grad(Z), color=C.accent3)
    peak = float(nn.sigmoid_grad(0.0))
    right.axhline(peak, color=C.accent2, lw=1, ls=(0, (3, 3)))
    right.text(4, peak + 0.04, t["quarter"], ha="right", va="bottom", ma="right", color=C.accent2, fontsize=12)
    for ax, key, lim in ((left, "f", (-1.2, 4.1)), (right, "df", (-0.1, 1.2))):
        ax.set_title(t[key], pad=6)
        ax.set_xlim(-4, 4)
        ax.set_ylim(*lim)
        ax.set_xlabel("z", labelpad=0)
        ax.grid(True, lw=0.6)
        ax.axhline(0, color=C.muted, lw=0.8)
        ax.axvline(0, color=C.muted, lw=0.8)
    fig.legend(
        *left.get_legend_handles_labels(), loc="lower center", bbox_to_anchor=(0.52, 0.0), ncols=3, columnspacing=2
    )


# ---- the page's code, part 1: a unit whose bias one big update pushed to −10 -------------------
N_SAMPLES, N_FEATURES, DEAD_BIAS = 1000, 16, -10.0


def page_unit():
    """The page's draws in order: X (1000 × 16), w (scaled by 0.25), the upstream gradient g;
    returns X, w, b, g."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N_SAMPLES, N_FEATURES))
    w = rng.normal(size=N_FEATURES) * 0.25
    g = rng.normal(size=N_SAMPLES)
    return x, w, DEAD_BIAS, g


@figure("q05/dead-unit", size=(6.4, 3.0))
def dead_unit(fig, t):
    """Pre-activations of the page's unit over 1000 samples: with b = 0 about half are positive;
    with b = −10 none is, so f′(z) = 0 for every sample and the unit gets no gradient."""
    x, w, b, _ = page_unit()
    healthy, dead = x @ w, x @ w + b
    lo, hi = -14, 5
    bins = np.arange(lo, hi + 0.25, 0.5)
    ax = fig.add_axes((0.12, 0.2, 0.84, 0.6))
    ax.axvspan(0, hi, color=C.fill3, lw=0)
    ax.axvspan(lo, 0, color=C.fill4, lw=0)
    for z, colour, label in ((healthy, C.accent, t["healthy"]), (dead, C.accent2, t["dead"].format(b=num(b)))):
        counts, _ = np.histogram(z, bins)
        ax.stairs(counts, bins, fill=True, color=colour, alpha=0.35)
        ax.stairs(counts, bins, color=colour, lw=1.5, label=label)
        k = int((z > 0).sum())
        ax.text(
            float(np.median(z)),
            counts.max() + 8,
            t["count"].format(k=k, n=len(z)),
            ha="center",
            va="bottom",
            color=colour,
            fontsize=12,
            gid="fact-active",
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 330)
    ax.set_xlabel(t["z"], labelpad=2)
    ax.set_ylabel(t["samples"])
    ax.text(hi - 0.2, 322, t["active"], ha="right", va="top", color=C.accent3, fontsize=12)
    ax.text(-5, 322, t["inactive"], ha="center", va="top", color=C.muted, fontsize=12)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.03), ncols=2, borderaxespad=0, columnspacing=2)


def num(v: float) -> str:
    return f"{float(v):g}".replace("-", "−")


# ---- the page's code, part 2: gradient size through 30 layers ------------------------------
DEPTH, WIDTH, BATCH = 30, 256, 64


def grad_profile(act, dact, var_w: float, rng: np.random.Generator, depth: int = DEPTH, n: int = WIDTH):
    """The page's ``grad_rms`` with the same draws from ``rng``, keeping the RMS of the gradient
    after each layer it passes back through (index 0: at the top; the last: at the input)."""
    h, cache = rng.normal(size=(n, BATCH)), []
    for _ in range(depth):
        w = rng.normal(size=(n, n)) * np.sqrt(var_w / n)
        z = w @ h
        cache.append((w, z))
        h = act(z)
    g = rng.normal(size=h.shape)
    out = [np.sqrt(np.mean(g**2))]
    for w, z in reversed(cache):
        g = w.T @ (g * dact(z))
        out.append(np.sqrt(np.mean(g**2)))
    return np.array(out)


@lru_cache(maxsize=1)
def page_profiles() -> dict[str, np.ndarray]:
    """The three runs of the page, in its order, continuing its random stream after part 1."""
    rng = np.random.default_rng(0)
    rng.normal(size=(N_SAMPLES, N_FEATURES)), rng.normal(size=N_FEATURES), rng.normal(size=N_SAMPLES)
    return {
        "sig": grad_profile(nn.sigmoid, nn.sigmoid_grad, 1.0, rng),
        "relu1": grad_profile(nn.relu, nn.relu_grad, 1.0, rng),
        "he": grad_profile(nn.relu, nn.relu_grad, 2.0, rng),
    }


def _sup(e: int) -> str:
    return "10" + str(e).replace("-", "⁻").translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) if e else "1"


@figure("q05/gradient-depth", size=(6.4, 3.2))
def gradient_depth(fig, t):
    """Gradient RMS after each layer of the page's 30-layer network: sigmoid loses about ×1/4 per
    layer (to ~10⁻¹⁹), ReLU with variance 1/n halves the variance per layer (to ~3·10⁻⁵, the
    (1/√2)ˡ line), ReLU with He initialization keeps it near 1."""
    runs = page_profiles()
    layers = np.arange(DEPTH + 1)
    ax = fig.add_axes((0.13, 0.17, 0.5, 0.75))
    for key, colour in (("sig", C.accent2), ("relu1", C.accent), ("he", C.accent3)):
        ax.plot(layers, runs[key], color=colour, label=t[key], gid=f"fact-{key}")
    ax.plot(layers, runs["relu1"][0] * 2 ** (-layers / 2), color=C.muted, lw=6, alpha=0.35, label=t["theory"], zorder=1)
    ax.set_yscale("log")
    ax.set_xlim(0, DEPTH)
    ax.set_ylim(1e-21, 10)
    ax.yaxis.set_major_locator(FixedLocator([10.0**e for e in range(-20, 1, 5)]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _sup(round(np.log10(v)))))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlabel(t["depth"])
    ax.set_ylabel(t["rms"])
    ax.grid(True, lw=0.6)
    ax.legend(loc="center left", bbox_to_anchor=(1.03, 0.5), borderaxespad=0, labelspacing=1.0, handlelength=1.8)

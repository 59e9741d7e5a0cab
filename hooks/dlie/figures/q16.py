"""Figures of question 16 (gradient flow through residual stacks): the gradient gain block by
block in the page's 50-block network for four structures, the 2ⁿ paths of the unrolled
Jacobian for n = 3, and how path lengths are distributed for n = 54 (a 110-layer ResNet)."""

from __future__ import annotations

import itertools
from functools import cache, lru_cache
from math import comb

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from dlie.figures import figure
from dlie.figures.diagram import box, canvas
from dlie.figures.style import C

FS = 13  # every text of these figures: 13 px at 5.6 in, so nothing is below 11 px on a phone

LABELS = {
    "zh": {
        "plain": "普通网络",
        "res": "残差，分支不缩放",
        "res/sqrtL": "残差，分支 ×1/√L",
        "zero-init": "残差，末层零初始化",
        "entry": "{name}：{value}",
        "blocks": "经过的残差块数 n",
        "gain": "平均梯度增益",
        "note": "虚线：表中估算；数值：n = {n} 时的增益",
        "paths-title": "n = 3 个块：2³ = {total} 条路径",
        "term": "对应的项",
        "group": "k = {k}：{count} 条",
        "group-one": "k = {k}：1 条",
        "key": "方框：经过分支 Fᵢ；直线：走捷径",
        "lengths-title": "n = {n} 个块：经过 k 个分支的路径占比",
        "k": "路径经过的分支数 k",
        "share": "占比（%）",
        "peak": "k = {k}：{p:.1f}%",
        "band": "Veit 等：梯度主要来自",
        "band-k": "k = {a}～{b}，仅占 {p:.2f}% 的路径",
    },
    "en": {
        "plain": "plain",
        "res": "residual, unscaled branch",
        "res/sqrtL": "residual, branch ×1/√L",
        "zero-init": "residual, zero-init",
        "entry": "{name}: {value}",
        "blocks": "residual blocks passed, n",
        "gain": "average gradient gain",
        "note": "dashed: the table's estimate; numbers: gain at n = {n}",
        "paths-title": "n = 3 blocks: 2³ = {total} paths",
        "term": "term",
        "group": "k = {k}: {count} paths",
        "group-one": "k = {k}: 1 path",
        "key": "box: through branch Fᵢ; line: shortcut",
        "lengths-title": "n = {n} blocks: share of paths through k branches",
        "k": "branches on the path, k",
        "share": "share (%)",
        "peak": "k = {k}: {p:.1f}%",
        "band": "Veit et al.: most gradient from",
        "band-k": "k = {a}–{b}, only {p:.2f}% of paths",
    },
}
KEEP = {"Veit"}

# ---- the page's code: width 64, 50 blocks, branch gain 0.7, seed 0 ---------------------------
D, L, RHO, SEED = 64, 50, 0.7, 0
MODES = {"plain": ("plain", 1.0), "res": ("res", 1.0), "res/sqrtL": ("res", 1 / np.sqrt(L)), "zero-init": ("res", 0.0)}
COLOURS = {"plain": C.accent2, "res": C.accent4, "res/sqrtL": C.accent, "zero-init": C.accent3}


@lru_cache(maxsize=1)
def page_weights():
    """The page's draws in order: W1 (He init), W2 (scaled so that ‖F(x)‖ ≈ ρ‖x‖), x0."""
    rng = np.random.default_rng(SEED)
    w1 = rng.standard_normal((L, D, D)) * np.sqrt(2 / D)
    w2 = rng.standard_normal((L, D, D)) * RHO / np.sqrt(D)
    return w1, w2, rng.standard_normal(D)


def gain(j: np.ndarray) -> float:
    """The page's average (RMS) gradient gain of a Jacobian: ‖J‖_F / √d."""
    return float(np.linalg.norm(j) / np.sqrt(D))


@cache
def gains(mode: str) -> np.ndarray:
    """The page's ``run`` for one structure, keeping the gain of ∂x_n/∂x_0 after every block:
    entry n is what ``gain(run(kind, alpha, depth=n)[1])`` gives (entry 0: the identity)."""
    kind, alpha = MODES[mode]
    w1, w2, x = page_weights()
    j, out = np.eye(D), [1.0]
    for layer in range(L):
        u = w1[layer] @ x
        f, jf = w2[layer] @ np.maximum(u, 0), w2[layer] @ ((u > 0)[:, None] * w1[layer])
        if kind == "plain":
            x, jl = f, jf
        else:
            x, jl = x + alpha * f, np.eye(D) + alpha * jf
        j = jl @ j
        out.append(gain(j))
    return np.array(out)


def estimate(mode: str, n) -> np.ndarray:
    """The page table's scalar estimate after n blocks: ρⁿ, (1 + α²ρ²)^(n/2)."""
    kind, alpha = MODES[mode]
    n = np.asarray(n, dtype=float)
    return RHO**n if kind == "plain" else (1 + alpha**2 * RHO**2) ** (n / 2)


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(v: float) -> str:
    """1.5×10⁻⁸ for very small or large values, 1.28 otherwise (as the page writes them)."""
    if 0.01 <= v < 100:
        return f"{v:.3g}"
    mantissa, exponent = f"{v:.1e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"


def power(e: int) -> str:
    return "1" if e == 0 else "10" + str(e).translate(SUPERSCRIPT)


# where each curve's label goes: (n, log10 of the gain, horizontal alignment)
LABEL_AT = {
    "plain": (2, -7.6, "left"),
    "res": (2, 5.0, "left"),
    "res/sqrtL": (49, 1.1, "right"),
    "zero-init": (49, -1.0, "right"),
}


@figure("q16/gain-depth", size=(5.6, 3.3))
def gain_depth(fig, t):
    """The RMS gain of ∂x_n/∂x_0 after each of the page's 50 blocks: the plain stack falls like ρⁿ
    (to 1.5×10⁻⁸), unscaled residual branches grow like (1 + ρ²)^(n/2) (to 1.6×10⁴), branches
    scaled by 1/√L stay near 1 (1.28), zero-initialized branches give exactly 1."""
    ax = fig.add_axes((0.15, 0.17, 0.8, 0.71))
    n = np.arange(L + 1)
    for mode, colour in COLOURS.items():
        g = gains(mode)
        if mode != "zero-init":  # zero-init: the estimate is the curve itself
            ax.plot(n, estimate(mode, n), color=C.muted, lw=1.2, ls=(0, (4, 3)))
        ax.plot(n, g, color=colour, lw=2.2, gid=f"fact-curve-{mode}")
        x, y, ha = LABEL_AT[mode]
        label = t["entry"].format(name=t[mode], value=sci(g[-1]))
        ax.text(x, 10.0**y, label, ha=ha, va="center", fontsize=FS, color=colour, gid=f"fact-gain-{mode}")
    ax.set_yscale("log")
    ax.set_xlim(0, L)
    ax.set_ylim(1e-9, 1e6)
    ax.yaxis.set_major_locator(FixedLocator([10.0**e for e in (-8, -4, 0, 4)]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: power(round(np.log10(v)))))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.tick_params(labelsize=FS)
    ax.set_xlabel(t["blocks"], fontsize=FS, labelpad=2)
    ax.set_ylabel(t["gain"], fontsize=FS)
    ax.grid(True, lw=0.6)
    ax.set_title(t["note"].format(n=L), fontsize=FS, color=C.muted, pad=8)


# ---- the unrolled Jacobian: one term per path ------------------------------------------------
def paths(n: int) -> list[tuple[int, ...]]:
    """The 2ⁿ terms of (I + J_{n−1})⋯(I + J_0): the branches each path passes through, grouped
    by how many (k = 0, 1, …, n), each in increasing order."""
    return sorted(
        (tuple(i for i, on in enumerate(bits) if on) for bits in itertools.product((0, 1), repeat=n)),
        key=lambda p: (len(p), p),
    )


SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def term(path: tuple[int, ...]) -> str:
    """The path's term of the expansion, later blocks first (J₂J₀); the direct path is I."""
    return "".join(f"J{str(i).translate(SUBSCRIPT)}" for i in reversed(path)) or "I"


@figure("q16/paths", size=(5.6, 3.7))
def unrolled_paths(fig, t):
    """The 8 paths through n = 3 residual blocks, one per term of (I + J₂)(I + J₁)(I + J₀): a
    path passes through some branches (boxes) and takes the shortcut past the others; C(3, k)
    paths pass through k branches."""
    n = 3
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    x_left, x_right, x_term = 150, 330, 346
    xs = [x_left + (x_right - x_left) * (i + 0.5) / n for i in range(n)]
    ax.text(width / 2, 254, t["paths-title"].format(total=2**n), ha="center", va="center", fontsize=FS)
    ax.text(x_term, 230, t["term"], ha="left", va="center", fontsize=FS, color=C.muted)
    ax.text(x_left, 230, "x₀", ha="center", va="center", fontsize=FS)
    ax.text(x_right, 230, f"x{str(n).translate(SUBSCRIPT)}", ha="center", va="center", fontsize=FS)
    y, previous = 208, 0
    for path in paths(n):
        k = len(path)
        if k != previous:
            y -= 7
            previous = k
        if path == tuple(p for p in paths(n) if len(p) == k)[0]:  # the group's first row: its label
            count = comb(n, k)
            group_h = count * 21
            ax.text(
                x_left - 14,
                y - (group_h - 21) / 2,
                t["group" if count > 1 else "group-one"].format(k=k, count=count),
                ha="right",
                va="center",
                fontsize=FS,
                gid="fact-group",
            )
        ax.plot([x_left, x_right], [y, y], color=C.muted, lw=1.4, solid_capstyle="butt")
        for i in path:
            box(
                ax,
                xs[i],
                y,
                34,
                17,
                f"F{str(i).translate(SUBSCRIPT)}",
                face=C.fill,
                edge=C.accent,
                size=FS,
                gid=f"fact-branch-{k}",
            )
        ax.text(x_term, y, term(path), ha="left", va="center", fontsize=FS, gid="fact-term")
        y -= 21
    ax.text(width / 2, 16, t["key"], ha="center", va="center", fontsize=FS, color=C.muted)


# ---- path lengths in a 110-layer ResNet --------------------------------------------------------
N_BLOCKS = 54  # a 110-layer CIFAR ResNet: 54 residual blocks of 2 layers
VEIT_BAND = (5, 17)  # Veit et al. (2016): most of the gradient comes from paths through 5–17 blocks


def path_share(n: int) -> np.ndarray:
    """Share of the 2ⁿ paths that pass through exactly k branches, k = 0 … n: C(n, k) / 2ⁿ."""
    return np.array([comb(n, k) for k in range(n + 1)]) / 2**n


@figure("q16/path-lengths", size=(5.6, 3.4))
def path_lengths(fig, t):
    """For the 54 blocks of a 110-layer ResNet, the share of paths through k branches is
    binomial, peaking at k = 27 (10.8%); the paths Veit et al. found to carry most of the
    gradient (k = 5–17) are only 0.45% of all paths."""
    share = path_share(N_BLOCKS) * 100
    k = np.arange(N_BLOCKS + 1)
    a, b = VEIT_BAND
    band = float(share[a : b + 1].sum())
    ax = fig.add_axes((0.12, 0.18, 0.84, 0.68))
    ax.axvspan(a - 0.5, b + 0.5, color=C.fill2, lw=0)
    ax.bar(k, share, width=0.8, color=C.accent, gid="fact-bar")
    peak = int(share.argmax())
    ax.text(peak + 3, share[peak], t["peak"].format(k=peak, p=share[peak]), fontsize=FS, va="center", gid="fact-peak")
    ax.text(a, 14.6, t["band"], ha="left", va="center", fontsize=FS, color=C.accent2)
    ax.text(
        a,
        13.0,
        t["band-k"].format(a=a, b=b, p=band),
        ha="left",
        va="center",
        fontsize=FS,
        color=C.accent2,
        gid="fact-band",
    )
    ax.set_xlim(-0.5, N_BLOCKS + 0.5)
    ax.set_ylim(0, 16)
    ax.set_yticks([0, 5, 10, 15])
    ax.set_xticks([0, a, b, 27, 40, N_BLOCKS])
    ax.tick_params(labelsize=FS)
    ax.set_xlabel(t["k"], fontsize=FS, labelpad=2)
    ax.set_ylabel(t["share"], fontsize=FS)
    ax.grid(axis="y", lw=0.6)
    ax.set_title(t["lengths-title"].format(n=N_BLOCKS), fontsize=FS, pad=6)

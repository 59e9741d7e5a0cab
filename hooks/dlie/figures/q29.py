"""Figures of question 29 (connection topologies: chain, residual, dense; U-Net and FPN; the DCN
cross layer)."""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.patches import FancyArrowPatch

from dlie.figures import diagram, figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "chain": "链式（VGG）：只连相邻层",
        "residual": "加性跳连（ResNet）：绕过每一层，相加",
        "dense": "密集连接（DenseNet）：拼接，共 {n} 条连接",
        "dense-note": "H 下方数字：该层输入通道 k₀ + (ℓ − 1)k，k₀ = {k0}，k = {k}",
        "unet": "U-Net：同分辨率拼接",
        "concat": "拼接",
        "fpn": "FPN：自上而下相加",
        "lateral": "1×1 横向",
        "key": "数字：相对输入的分辨率",
        "scalar": "标量",
        "shortcut": "残差 + xₗ",
        "params": "每层参数 wₗ、bₗ：2d = {n} 个（d = {d}），没有 d×d 矩阵",
        "layers": "交叉层数 l",
        "degree": "x₀ 的最高次数",
    },
    "en": {
        "chain": "chain (VGG): neighbours only",
        "residual": "additive skip (ResNet): around each layer, added",
        "dense": "dense (DenseNet): concatenated, {n} connections",
        "dense-note": "under H: its input channels k₀ + (ℓ − 1)k, k₀ = {k0}, k = {k}",
        "unet": "U-Net: concatenate",
        "concat": "concat",
        "fpn": "FPN: top-down, add",
        "lateral": "1×1 lateral",
        "key": "numbers: resolution relative to the input",
        "scalar": "scalar",
        "shortcut": "residual + xₗ",
        "params": "parameters wₗ, bₗ: 2d = {n} per layer (d = {d}), no d×d matrix",
        "layers": "cross layers l",
        "degree": "degree in x₀",
    },
}
KEEP = {"VGG", "ResNet", "DenseNet", "U-Net", "FPN", "Net"}

SIZE = 13
K0, GROWTH = 64, 32  # the page's dense block: k0 = 64 input channels, growth rate k = 32
LAYERS = 4  # drawn: the first four layers of the block


# ---- connection lists -------------------------------------------------------------------------------
def connections(kind: str, layers: int = LAYERS) -> list[tuple[int, int]]:
    """The direct connections (from x_j, to layer ℓ's output x_ℓ) of a block of ``layers`` layers:
    a chain feeds each layer its predecessor; a residual block adds an identity shortcut around
    every layer; a dense block feeds layer ℓ all of x_0 … x_ℓ₋₁ (L(L+1)/2 in all)."""
    if kind == "chain":
        return [(j - 1, j) for j in range(1, layers + 1)]
    if kind == "residual":
        return [(j - 1, j) for j in range(1, layers + 1)] * 2  # the layer H_ℓ and its identity shortcut
    return [(i, j) for j in range(1, layers + 1) for i in range(j)]


def dense_input_channels(layers: int = LAYERS, k0: int = K0, k: int = GROWTH) -> list[int]:
    """Channels entering each layer of a dense block: the concatenation of x_0 (k0) and every
    earlier layer's k outputs, as the page's code counts them."""
    return [k0 + (j - 1) * k for j in range(1, layers + 1)]


def arc(ax, x1, x2, y, height, colour, gid=None, lw=1.4):
    """An arrow from (x1, y) to (x2, y) bowing up by ``height`` (a quadratic Bézier)."""
    ax.add_patch(
        FancyArrowPatch(
            (x1, y),
            (x2, y),
            connectionstyle=f"arc3,rad={-2 * height / (x2 - x1):.4f}",
            arrowstyle="-|>,head_length=5,head_width=2.5",
            color=colour,
            lw=lw,
            shrinkA=0,
            shrinkB=0,
            gid=gid,
        )
    )


SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@figure("q29/topologies", size=(5.6, 4.2))
def topologies(fig, t):
    """Four layers of a chain, a residual block and a dense block, data flowing left to right
    from x₀: the chain connects neighbours only; the residual block adds an identity shortcut
    around each layer; the dense block feeds every layer all earlier outputs, L(L+1)/2 = 10
    connections, and its layers receive 64, 96, 128, 160 channels (the page's k₀ = 64, k = 32)."""
    ax = diagram.canvas(fig)
    xs = [30 + i * 84 for i in range(LAYERS + 1)]
    rows = (("chain", 256, C.muted), ("residual", 180, C.accent), ("dense", 70, C.accent2))
    for kind, y, colour in rows:
        conns = connections(kind)
        title_y = y + {"chain": 30, "residual": 40, "dense": 76}[kind]
        ax.text(
            4,
            title_y,
            t[kind].format(n=len(conns)),
            ha="left",
            va="center",
            fontsize=SIZE,
            fontweight="bold",
            gid=f"fact-title-{kind}",
        )
        for i, x in enumerate(xs):
            diagram.box(ax, x, y, 32, 24, f"x{i}".translate(SUB), face=C.fill4, edge=C.muted, size=SIZE)
        for a, b in sorted(set(conns)):  # the layer H_b: a straight arrow from its predecessor
            if b - a == 1:
                end = xs[b] - 16 - (14 if kind == "residual" else 0)
                diagram.arrow(ax, (xs[a] + 16, y), (end, y), color=C.fg, gid=f"fact-layer-{kind}")
                ax.text(
                    (xs[a] + 16 + end) / 2,
                    y - 13,
                    f"H{b}".translate(SUB),
                    ha="center",
                    va="center",
                    fontsize=SIZE,
                    color=C.muted,
                )
        if kind == "residual":  # identity shortcuts, added after each layer
            for a, b in conns[LAYERS:]:
                node = xs[b] - 23
                diagram.node(ax, node, y, "+", r=7, size=SIZE)
                diagram.arrow(ax, (node + 7, y), (xs[b] - 16, y), color=C.fg)
                arc(ax, xs[a] + 4, node, y + 12, 15, colour, gid="fact-shortcut-residual")
        if kind == "dense":  # skips from every earlier output (the neighbour's is the straight arrow)
            for a, b in conns:
                if b - a > 1:
                    arc(ax, xs[a], xs[b], y + 12, 10 + 13 * (b - a - 2), colour, gid="fact-skip-dense")
            for a, c in zip(xs[:-1], dense_input_channels(), strict=True):
                ax.text(
                    a + 42,
                    y - 29,
                    str(c),
                    ha="center",
                    va="center",
                    fontsize=SIZE,
                    color=C.accent2,
                    gid="fact-dense-channels",
                )
            ax.text(
                201.6,
                y - 52,
                t["dense-note"].format(k0=K0, k=GROWTH),
                ha="center",
                va="center",
                fontsize=SIZE,
                color=C.muted,
            )


# ---- multi-scale: U-Net and FPN ----------------------------------------------------------------------
UNET_LEVELS = 4  # resolutions 1, 1/2, 1/4, 1/8 of the input; the last is the bottleneck
FPN_STAGES = (2, 3, 4, 5)  # C2 … C5, downsampled by 2^i


def fraction(denominator: int) -> str:
    return "1" if denominator == 1 else f"1/{denominator}"


@figure("q29/unet-fpn", size=(5.6, 3.4))
def unet_fpn(fig, t):
    """U-Net concatenates each encoder map onto the decoder map of the same resolution (1, 1/2,
    1/4; 1/8 is the bottleneck); FPN runs top-down from C5 and adds a 1×1 lateral of each C_i
    (1/4 … 1/32 of the input) to the upsampled coarser level."""
    ax = diagram.canvas(fig)
    height = 3.4 * 72
    top, step, box_h = height - 58, 44, 22

    def width(level):  # drawn width shrinks with resolution
        return 58 - 10 * level

    # U-Net: encoder down the left, bottleneck at the bottom, decoder up the right
    ax.text(98, height - 14, t["unet"], ha="center", va="center", fontsize=SIZE, fontweight="bold")
    enc_x, dec_x = 58, 150
    for level in range(UNET_LEVELS):
        y = top - level * step
        res = fraction(2**level)
        if level < UNET_LEVELS - 1:
            diagram.box(ax, enc_x, y, width(level), box_h, face=C.fill4, edge=C.muted)
            diagram.box(ax, dec_x, y, width(level), box_h, face=C.fill4, edge=C.muted)
            ax.text(enc_x - width(level) / 2 - 6, y, res, ha="right", va="center", fontsize=SIZE, gid="fact-unet-res")
            diagram.arrow(
                ax,
                (enc_x + width(level) / 2, y),
                (dec_x - width(level) / 2, y),
                color=C.accent,
                dashed=True,
                gid="fact-unet-skip",
            )
            nxt = top - (level + 1) * step
            if level < UNET_LEVELS - 2:
                diagram.arrow(ax, (enc_x, y - box_h / 2), (enc_x, nxt + box_h / 2))
                diagram.arrow(ax, (dec_x, nxt + box_h / 2), (dec_x, y - box_h / 2))
            else:
                mid = (enc_x + dec_x) / 2
                diagram.arrow(ax, (enc_x, y - box_h / 2), (mid - width(level + 1) / 2, nxt))
                diagram.arrow(ax, (mid + width(level + 1) / 2, nxt), (dec_x, y - box_h / 2))
        else:
            mid = (enc_x + dec_x) / 2
            diagram.box(ax, mid, y, width(level), box_h, face=C.fill4, edge=C.muted)
            ax.text(mid, y - box_h / 2 - 9, res, ha="center", va="center", fontsize=SIZE, gid="fact-unet-res")
    ax.text(104, top + 18, t["concat"], ha="center", va="center", fontsize=SIZE, color=C.accent)

    # FPN: bottom-up C2 … C5 on the left (C5 on top), top-down P5 … P2 on the right
    ax.text(306, height - 14, t["fpn"], ha="center", va="center", fontsize=SIZE, fontweight="bold")
    c_x, p_x = 266, 370
    for k, i in enumerate(reversed(FPN_STAGES)):  # C5 first, at the top
        y = top - k * step
        w = width(len(FPN_STAGES) - 1 - k)
        diagram.box(ax, c_x, y, w, box_h, f"C{i}".translate(SUB), face=C.fill4, edge=C.muted, size=SIZE)
        diagram.box(ax, p_x, y, w, box_h, f"P{i}".translate(SUB), face=C.fill2, edge=C.accent2, size=SIZE)
        ax.text(c_x - w / 2 - 6, y, fraction(2**i), ha="right", va="center", fontsize=SIZE, gid="fact-fpn-res")
        if k:  # the sum M_i = Up₂(M_i+1) + lateral, then P_i
            node = p_x - w / 2 - 14
            diagram.node(ax, node, y, "+", r=7, size=SIZE)
            diagram.arrow(ax, (c_x + w / 2, y), (node - 7, y), color=C.accent2, gid="fact-fpn-lateral")
            diagram.arrow(ax, (node + 7, y), (p_x - w / 2, y), color=C.fg)
            diagram.polyline(
                ax, [(p_x, y + step - box_h / 2), (p_x, y + step / 2), (node, y + step / 2), (node, y + 7)], color=C.fg
            )
        else:
            diagram.arrow(ax, (c_x + w / 2, y), (p_x - w / 2, y), color=C.accent2, gid="fact-fpn-lateral")
        if k < len(FPN_STAGES) - 1:
            nxt = top - (k + 1) * step
            diagram.arrow(ax, (c_x, nxt + box_h / 2), (c_x, y - box_h / 2))
    ax.text(316, top + 18, t["lateral"], ha="center", va="center", fontsize=SIZE, color=C.accent2)
    ax.text(201.6, 14, t["key"], ha="center", va="center", fontsize=SIZE, color=C.muted)


# ---- the DCN cross layer: the page's code, part 2 ------------------------------------------------
D, N_CROSS = 6, 3  # the page's d and number of cross layers


@cache
def page_cross() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The page's draws in order (seed 0): part 1's dense block (its input, then one 1×1 weight
    per layer), then x0 (d = 6) and the cross weights ws (3 × 6); biases are zero."""
    rng = np.random.default_rng(0)
    rng.standard_normal((2, K0, 8, 8))
    for c in dense_input_channels(6):  # the page's block has L = 6 layers
        rng.standard_normal((GROWTH, c))
    x0 = rng.standard_normal(D)
    ws = rng.standard_normal((N_CROSS, D))
    return x0, ws, np.zeros((N_CROSS, D))


def cross(x0, n: int, ws, bs) -> np.ndarray:
    """n cross layers: x_{l+1} = x0·(x_lᵀ w_l) + b_l + x_l, the scalar first (O(d))."""
    x = x0
    for layer in range(n):
        x = x0 * (x @ ws[layer]) + bs[layer] + x
    return x


def cross_degree(n: int) -> int:
    """The degree in t of n cross layers applied to t·x0 (the page's x0 and weights): the lowest
    polynomial degree that fits the outputs at 15 points of [−2, 2] exactly, as the page tests."""
    x0, ws, bs = page_cross()
    ts = np.linspace(-2, 2, 15)
    f = np.array([cross(s * x0, n, ws, bs) for s in ts])
    for degree in range(1, 10):
        c = np.polyfit(ts, f, degree)
        if np.allclose(np.polyval(c, ts[:, None]), f):
            return degree
    raise ValueError("no exact fit up to degree 9")


@figure("q29/cross-layer", size=(5.6, 3.2))
def cross_layer(fig, t):
    """One DCN cross layer, xₗ₊₁ = x₀(xₗᵀwₗ) + bₗ + xₗ: the inner product xₗᵀwₗ is a
    scalar that rescales x₀, the bias and a residual x_l are added; 2d parameters, no d×d matrix.
    Below: the degree in x₀ of 1, 2, 3 stacked layers, from the page's code (2, 3, 4)."""
    ax = diagram.canvas(fig)
    height = 3.2 * 72
    y0, yl, yr = height - 34, height - 96, height - 140  # rows: x₀, x_l, the residual path
    diagram.box(ax, 34, y0, 44, 26, "x₀", face=C.fill, edge=C.accent, size=SIZE)
    diagram.box(ax, 34, yl, 44, 26, "xₗ", face=C.fill4, edge=C.muted, size=SIZE)
    diagram.box(ax, 134, yl, 82, 30, "xₗᵀwₗ", face=C.fill2, edge=C.accent2, size=SIZE)
    diagram.arrow(ax, (56, yl), (93, yl))
    mul, bias, add = (206, y0), (266, y0), (322, y0)
    diagram.node(ax, *mul, "×", r=10, size=SIZE)
    diagram.node(ax, *bias, "+", r=10, size=SIZE)
    diagram.node(ax, *add, "+", r=10, size=SIZE)
    diagram.arrow(ax, (56, y0), (mul[0] - 10, y0), color=C.accent)
    diagram.polyline(ax, [(175, yl), (mul[0], yl), (mul[0], y0 - 10)], color=C.accent2)
    ax.text(mul[0] + 6, (yl + y0) / 2 - 4, t["scalar"], ha="left", va="center", fontsize=SIZE, color=C.accent2)
    diagram.arrow(ax, (mul[0] + 10, y0), (bias[0] - 10, y0))
    ax.text(bias[0], y0 + 20, "bₗ", ha="center", va="center", fontsize=SIZE)
    diagram.arrow(ax, (bias[0] + 10, y0), (add[0] - 10, y0))
    diagram.box(ax, 376, y0, 50, 26, "xₗ₊₁", face=C.fill4, edge=C.muted, size=SIZE)
    diagram.arrow(ax, (add[0] + 10, y0), (351, y0))
    diagram.polyline(ax, [(34, yl - 13), (34, yr), (add[0], yr), (add[0], y0 - 10)], color=C.accent3, dashed=True)
    ax.text(add[0] - 6, yr + 10, t["shortcut"], ha="right", va="center", fontsize=SIZE, color=C.accent3)
    ax.text(
        201.6, yr - 24, t["params"].format(n=2 * D, d=D), ha="center", va="center", fontsize=SIZE, gid="fact-params"
    )
    # the degree in x₀ after 1, 2, 3 layers (the page's polynomial fit)
    xs = (210, 270, 330)
    for row, (key, values) in enumerate(
        (("layers", range(1, N_CROSS + 1)), ("degree", [cross_degree(n) for n in range(1, N_CROSS + 1)]))
    ):
        y = 38 - row * 22
        ax.text(180, y, t[key], ha="right", va="center", fontsize=SIZE)
        for x, v in zip(xs, values, strict=True):
            ax.text(
                x,
                y,
                str(v),
                ha="center",
                va="center",
                fontsize=SIZE,
                gid=f"fact-{key}",
                color=C.fg if row == 0 else C.accent,
            )

"""Figures of question 27 (convolution vs pooling: learned vs fixed weights, channel mixing,
max pooling as linear + ReLU)."""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from dlie.figures import cells, diagram, figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "conv": "卷积：W 可学习",
        "avg": "平均池化：W 固定",
        "avg-rule": "W[o, c] = δ(o, c)/k²",
        "conv-rule": "每个 W[o, c] 都非零",
        "axes": "列 = 输入通道 c，行 = 输出通道 o",
        "params": "参数 {n} 个",
        "key": "每块是一个 {k}×{k} 的核 W[o, c]",
        "title": "只扰动输入通道 0：各输出通道的变化 |Δy|",
        "channel": "通道 {c}",
        "conv-row": "卷积",
        "pool-row": "最大池化",
        "zero": "全为 0",
        "mixed": "{n} 个输出通道都变了",
        "kept": "只有通道 0 变了",
        "title-tree": "2×2 窗口取最大 = 两层「线性 → ReLU → 线性」",
        "result": "窗口最大值 {v}",
    },
    "en": {
        "conv": "convolution: W learned",
        "avg": "average pooling: W fixed",
        "avg-rule": "W[o, c] = δ(o, c)/k²",
        "conv-rule": "every W[o, c] non-zero",
        "axes": "columns: input channel c; rows: output channel o",
        "params": "{n} parameters",
        "key": "each block is a {k}×{k} kernel W[o, c]",
        "title": "only input channel 0 changes: |Δy| per output channel",
        "channel": "channel {c}",
        "conv-row": "convolution",
        "pool-row": "max pooling",
        "zero": "all 0",
        "mixed": "all {n} output channels change",
        "kept": "only channel 0 changes",
        "title-tree": "max of a 2×2 window = two levels of linear → ReLU → linear",
        "result": "window maximum {v}",
    },
}
KEEP = {"ReLU", "max"}

SIZE = 13
C_CH, K, S = 4, 3, 2  # the page's code: 4 channels, 3×3 windows, stride 2


# ---- the page's code ---------------------------------------------------------------------------
def windows(x, k, s):
    """Every k×k window at stride s of x (C, H, W): shape (C, Ho, Wo, k, k), as the page's code."""
    ho, wo = (x.shape[1] - k) // s + 1, (x.shape[2] - k) // s + 1
    return np.array(
        [[[x[c, s * i : s * i + k, s * j : s * j + k] for j in range(wo)] for i in range(ho)] for c in range(len(x))]
    )


def conv2d(x, w, s):
    """Standard convolution (cross-correlation, no padding, no bias); w: (C_out, C_in, k, k)."""
    return np.einsum("chwuv,ocuv->ohw", windows(x, w.shape[2], s), w)


def max_pool(x, k, s):
    return windows(x, k, s).max(axis=(3, 4))


def avg_pool_weights(c: int = C_CH, k: int = K) -> np.ndarray:
    """Average pooling written as a standard convolution: W[o, c] = δ(o, c)/k² (the page's W_diag)."""
    return np.einsum("oc,uv->ocuv", np.eye(c), np.full((k, k), 1 / k**2))


@cache
def page_example() -> dict[str, np.ndarray]:
    """The page's draws in order (seed 0): x, y (4×9×9), the perturbation of channel 0 (x2), the
    convolution weights W (4×4×3×3); and the change of each output when x becomes x2."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((C_CH, 9, 9)), rng.standard_normal((C_CH, 9, 9))
    x2 = x.copy()
    x2[0] += rng.standard_normal((9, 9))
    w = rng.standard_normal((C_CH, C_CH, K, K))
    return {
        "x": x,
        "y": y,
        "x2": x2,
        "W": w,
        "d_conv": conv2d(x2, w, S) - conv2d(x, w, S),
        "d_pool": max_pool(x2, K, S) - max_pool(x, K, S),
    }


def num(v: float) -> str:
    return f"{v:.2f}".replace("-", "−")


# ---- drawing helpers -----------------------------------------------------------------------------
def grid_lines(ax, blocks, rows: int, cols: int, cell: float, colour=C.grid, lw: float = 0.8) -> None:
    """The cell borders of several rows × cols grids (top-left corners ``blocks``) as one path."""
    verts, codes = [], []
    for x0, top in blocks:
        for i in range(rows + 1):
            verts += [(x0, top - i * cell), (x0 + cols * cell, top - i * cell)]
            codes += [Path.MOVETO, Path.LINETO]
        for j in range(cols + 1):
            verts += [(x0 + j * cell, top), (x0 + j * cell, top - rows * cell)]
            codes += [Path.MOVETO, Path.LINETO]
    ax.add_patch(PathPatch(Path(verts, codes), fill=False, edgecolor=colour, lw=lw, clip_on=False))


def heat(ax, placed, cell: float, vmax: float, levels: int = 4, strength: float = 0.9, gid=None) -> None:
    """Cells of several arrays (``placed``: [(x0, top, values)]) filled by sign (accent > 0,
    accent2 < 0) at an opacity in ``levels`` steps of |value|/vmax, one path per colour and step."""
    groups: dict[tuple[str, int], list] = {}
    for x0, top, values in placed:
        for (i, j), v in np.ndenumerate(np.asarray(values)):
            level = min(levels, round(abs(v) / vmax * levels))
            if level:
                face = C.accent if v > 0 else C.accent2
                groups.setdefault((face, level), []).append((x0 + j * cell, top - (i + 1) * cell, cell, cell))
    for (face, level), boxes in sorted(groups.items()):
        cells.fill_cells(ax, boxes, face, alpha=strength * level / levels, gid=gid)


# ---- learned vs fixed weights ------------------------------------------------------------------------
@figure("q27/weights", size=(5.6, 3.9))
def weights(fig, t):
    """The weight tensor W[o, c] (4×4 blocks of 3×3 kernels) of the page's convolution (learned,
    every block non-zero, 148 parameters with the biases) beside average pooling written as a
    convolution: 1/9 in the diagonal blocks, 0 elsewhere, nothing learned."""
    ex = page_example()
    height = 3.9 * 72
    ax = cells.canvas(fig, 403.2, height)
    cell, gap = 11, 6
    block = K * cell
    side = C_CH * block + (C_CH - 1) * gap
    top = height - 62
    for p, name in enumerate(("conv", "avg")):
        x0 = 44 + p * 200
        w = ex["W"] if name == "conv" else avg_pool_weights()
        corners = [(x0 + c * (block + gap), top - o * (block + gap)) for o in range(C_CH) for c in range(C_CH)]
        pairs = list(np.ndindex(C_CH, C_CH))
        if name == "conv":
            placed = [(x, y, w[o, c]) for (x, y), (o, c) in zip(corners, pairs, strict=True)]
            heat(ax, placed, cell, vmax=float(np.abs(w).max()), gid="fact-conv")
        else:  # the fixed 1/k² weights: the diagonal blocks filled, the value written on them
            diagonal = [(x, y - block, block, block) for (x, y), (o, c) in zip(corners, pairs, strict=True) if o == c]
            cells.fill_cells(ax, diagonal, C.fill, gid="fact-avg")
            for (x, y), (o, c) in zip(corners, pairs, strict=True):
                v = w[o, c, 0, 0]
                text = f"1/{round(1 / v)}" if v else "0"
                ax.text(
                    x + block / 2,
                    y - block / 2,
                    text,
                    ha="center",
                    va="center",
                    fontsize=SIZE,
                    color=C.fg if v else C.muted,
                    gid="fact-avg-value",
                )
        grid_lines(ax, corners, K, K, cell)
        mid = x0 + side / 2
        ax.text(mid, height - 14, t[name], ha="center", va="center", fontsize=SIZE, fontweight="bold")
        rule = t["conv-rule"] if name == "conv" else t["avg-rule"]
        ax.text(mid, height - 34, rule, ha="center", va="center", fontsize=SIZE, color=C.muted)
        for i in range(C_CH):  # channel numbers: inputs above the columns, outputs left of the rows
            ax.text(x0 + i * (block + gap) + block / 2, top + 9, str(i), ha="center", va="center", fontsize=SIZE)
            ax.text(x0 - 7, top - i * (block + gap) - block / 2, str(i), ha="right", va="center", fontsize=SIZE)
        n = w.size + C_CH if name == "conv" else 0  # the page prints W.size + C and 0
        ax.text(
            mid,
            top - side - 16,
            t["params"].format(n=n),
            ha="center",
            va="center",
            fontsize=SIZE,
            gid=f"fact-params-{name}",
        )
    ax.text(201.6, 34, t["axes"], ha="center", va="center", fontsize=SIZE, color=C.muted)
    ax.text(201.6, 14, t["key"].format(k=K), ha="center", va="center", fontsize=SIZE, color=C.muted)


# ---- channel mixing: perturb one input channel ---------------------------------------------------------
@figure("q27/channel-mixing", size=(5.6, 3.25))
def channel_mixing(fig, t):
    """The page's part 3: only input channel 0 is perturbed. Every output channel of the
    convolution changes (it sums over all input channels); max pooling changes channel 0 only
    (it works channel by channel). Cells: |Δy| on the 4×4 outputs."""
    ex = page_example()
    height = 3.25 * 72
    ax = cells.canvas(fig, 403.2, height)
    cell, gap, x0 = 13, 12, 150
    side = 4 * cell
    ax.text(201.6, height - 14, t["title"], ha="center", va="center", fontsize=SIZE, fontweight="bold")
    for c in range(C_CH):
        ax.text(
            x0 + c * (side + gap) + side / 2,
            height - 40,
            t["channel"].format(c=c),
            ha="center",
            va="center",
            fontsize=SIZE,
        )
    for r, (name, delta) in enumerate((("conv", ex["d_conv"]), ("pool", ex["d_pool"]))):
        top = height - 54 - r * (side + 38)
        ax.text(x0 - 12, top - side / 2, t[f"{name}-row"], ha="right", va="center", fontsize=SIZE, fontweight="bold")
        corners = [(x0 + c * (side + gap), top) for c in range(C_CH)]
        placed = [(x, y, np.abs(delta[c])) for (x, y), c in zip(corners, range(C_CH), strict=True)]
        heat(ax, placed, cell, vmax=float(np.abs(delta).max()), strength=0.85)  # shaded per row
        grid_lines(ax, corners, 4, 4, cell)
        changed = [c for c in range(C_CH) if np.abs(delta[c]).max() > 0]
        for c in range(C_CH):
            x = x0 + c * (side + gap)
            if c in changed:
                cells.frame(ax, x, top - side, side, side, colour=C.accent2, lw=2, gid=f"fact-changed-{name}")
            else:
                ax.text(
                    x + side / 2,
                    top - side / 2,
                    t["zero"],
                    ha="center",
                    va="center",
                    fontsize=SIZE,
                    color=C.muted,
                    gid=f"fact-unchanged-{name}",
                )
        note = t["mixed"].format(n=len(changed)) if len(changed) == C_CH else t["kept"]
        ax.text(
            x0 + (C_CH * side + (C_CH - 1) * gap) / 2,
            top - side - 13,
            note,
            ha="center",
            va="center",
            fontsize=SIZE,
            color=C.accent2,
        )


# ---- max pooling as linear + ReLU ------------------------------------------------------------------------
def max_tree(window) -> list[tuple[float, float, float]]:
    """The maximum of a 2×2 window [[a, b], [c, d]] as two levels of max(p, q) = q + ReLU(p − q):
    [(q, ReLU(p − q), result)] for m₁ = max(a, b), m₂ = max(c, d) and max(m₁, m₂)."""
    (a, b), (c, d) = np.asarray(window, dtype=float)

    def step(p, q):
        r = max(p - q, 0.0)
        return q, r, q + r

    m1, m2 = step(a, b), step(c, d)
    return [m1, m2, step(m1[2], m2[2])]


TREE_WINDOW = (slice(0, 2), slice(0, 2))  # the top-left 2×2 window of the page's channel 0


@figure("q27/max-tree", size=(5.6, 3.6))
def max_tree_figure(fig, t):
    """The top-left 2×2 window of the page's input channel 0, maximised by two levels of
    "linear → ReLU → linear": m₁ = b + ReLU(a − b), m₂ = d + ReLU(c − d), then
    m₂ + ReLU(m₁ − m₂), which equals the window's maximum."""
    window = page_example()["x"][0][TREE_WINDOW]
    levels = max_tree(window)
    height = 3.6 * 72
    ax = diagram.canvas(fig)
    ax.text(201.6, height - 14, t["title-tree"], ha="center", va="center", fontsize=SIZE, fontweight="bold")
    leaves = ("a", "b", "c", "d")
    xs = (52, 150, 253, 351)
    y_leaf, y_mid, y_top = 34, 106, 180
    for x, name, v in zip(xs, leaves, window.ravel(), strict=True):
        diagram.box(ax, x, y_leaf, 84, 28, f"{name} = {num(v)}", face=C.fill4, edge=C.muted, size=SIZE)
    nodes = (
        ((xs[0] + xs[1]) / 2, y_mid, "m₁", "b + ReLU(a − b)", levels[0]),
        ((xs[2] + xs[3]) / 2, y_mid, "m₂", "d + ReLU(c − d)", levels[1]),
        (201.6, y_top, "max", "m₂ + ReLU(m₁ − m₂)", levels[2]),
    )
    for k, (x, y, name, formula, (q, r, out)) in enumerate(nodes):
        w = 176
        diagram.box(ax, x, y, w, 44, face=C.fill if k < 2 else C.fill2, edge=C.accent if k < 2 else C.accent2)
        ax.text(x, y + 10, f"{name} = {formula}", ha="center", va="center", fontsize=SIZE)
        ax.text(
            x, y - 10, f"= {num(q)} + {num(r)} = {num(out)}", ha="center", va="center", fontsize=SIZE, gid="fact-node"
        )
    for (x, _, _, _, _), pair in zip(nodes[:2], ((xs[0], xs[1]), (xs[2], xs[3])), strict=True):
        for xl in pair:
            diagram.arrow(ax, (xl, y_leaf + 14), (x + (xl - x) * 0.4, y_mid - 22))
        diagram.arrow(ax, (x, y_mid + 22), (201.6 + (x - 201.6) * 0.3, y_top - 22))
    ax.text(
        201.6,
        height - 37,
        t["result"].format(v=num(levels[2][2])),
        ha="center",
        va="center",
        fontsize=SIZE,
        color=C.accent2,
        gid="fact-max",
    )

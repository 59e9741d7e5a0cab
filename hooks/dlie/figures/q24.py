"""Figures of question 24 (convolution kernels: the weight tensor of standard, 1×1, grouped and
depthwise convolutions; stacked 3×3 kernels against one large kernel)."""

from __future__ import annotations

import numpy as np

from dlie import nn
from dlie.figures import figure
from dlie.figures.cells import fill_cells
from dlie.figures.diagram import canvas
from dlie.figures.style import C
from dlie.figures.tables import borders, many_borders

LABELS = {
    "zh": {
        "axes": "每行：一个卷积核（输出通道 o）；每列：一个输入通道 c",
        "standard": "标准 3×3：{n} 个权重",
        "pointwise": "1×1：{n} 个权重",
        "grouped": "分组 3×3，g = {g}：{n} 个权重",
        "depthwise": "深度 3×3：{n} 个权重",
        "shape": "权重形状 {o}×{c}×{k}×{k}",
        "stacked": "{n} 层 3×3",
        "single": "一层 k×k",
        "rf": "感受野",
        "weights": "权重数",
        "input": "输入",
        "layer": "第 {l} 层",
        "relu": "每层 3×3 之后各有一个 ReLU；C 为通道数",
    },
    "en": {
        "axes": "row o: one kernel · column c: one input channel",
        "standard": "standard 3×3: {n} weights",
        "pointwise": "1×1: {n} weights",
        "grouped": "grouped 3×3, g = {g}: {n} weights",
        "depthwise": "depthwise 3×3: {n} weights",
        "shape": "weight shape {o}×{c}×{k}×{k}",
        "stacked": "{n} × 3×3",
        "single": "one k×k",
        "rf": "receptive field",
        "weights": "weights",
        "input": "input",
        "layer": "layer {l}",
        "relu": "a ReLU follows each 3×3 layer; C is the channel count",
    },
}

C_IN = C_OUT = 4  # channels drawn
GROUPS = 2
KINDS = ("standard", "pointwise", "grouped", "depthwise")
KEEP = {"ReLU"}
COLOURS = {"standard": C.accent, "pointwise": C.accent3, "grouped": C.accent2, "depthwise": C.accent4}


def kernel_mask(kind: str, c_out: int = C_OUT, c_in: int = C_IN, g: int = GROUPS) -> np.ndarray:
    """Which weights of a C_out × C_in × k × k tensor a layer has (True) and which are absent:
    a 1×1 kernel has k = 1; a grouped layer connects output o only to the input channels of its
    group (block diagonal); a depthwise layer (g = C_in = C_out) only to its own channel."""
    k = 1 if kind == "pointwise" else 3
    groups = {"standard": 1, "pointwise": 1, "grouped": g, "depthwise": c_in}[kind]
    o_group = np.arange(c_out) // (c_out // groups)
    c_group = np.arange(c_in) // (c_in // groups)
    connected = o_group[:, None] == c_group[None, :]
    return np.broadcast_to(connected[:, :, None, None], (c_out, c_in, k, k)).copy()


def weight_shape(kind: str) -> tuple[int, int, int, int]:
    """The stored weight tensor's shape: C_out × (C_in / g) × k × k."""
    m = kernel_mask(kind)
    per_out = int(m[0].any(axis=(1, 2)).sum())
    return m.shape[0], per_out, m.shape[2], m.shape[3]


@figure("q24/kernel-shapes", size=(5.5, 5.2))
def kernel_shapes(fig, t):
    """The weight tensor C_out × C_in × k × k of four layers with 4 input and 4 output channels,
    one row per kernel and one column per input channel: standard 3×3 (144 weights), 1×1 (16),
    grouped 3×3 with g = 2 (72, block diagonal) and depthwise 3×3 (36, diagonal only)."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    cell, gap = 8, 6
    slot = 3 * cell
    side = C_IN * slot + (C_IN - 1) * gap
    ax.text(width / 2, height - 14, t["axes"], ha="center", va="center", color=C.muted)
    for p, kind in enumerate(KINDS):
        r, q = divmod(p, 2)
        cx = width / 4 + q * width / 2
        top = height - 58 - r * (side + 64)
        x0 = cx - side / 2
        mask = kernel_mask(kind)
        k = mask.shape[-1]
        boxes, slots, kernels = [], [], []
        for o in range(C_OUT):
            for c in range(C_IN):
                sx, sy = x0 + c * (slot + gap), top - o * (slot + gap)  # slot's top-left corner
                slots.append((1, 1, sx, sy, slot, slot))
                if mask[o, c].any():  # a kernel slice: k × k weights, one fill, its cells outlined
                    off = (slot - k * cell) / 2
                    boxes.append((sx + off, sy - off - k * cell, k * cell, k * cell))
                    kernels.append((k, k, sx + off, sy - off, cell, cell))
        many_borders(ax, slots, colour=C.grid)
        fill_cells(ax, boxes, COLOURS[kind], alpha=0.75, gid=f"fact-weights-{kind}")
        many_borders(ax, kernels, colour=C.fg, lw=0.6)
        n = int(mask.sum())
        title = t[kind].format(n=n, g=GROUPS)
        ax.text(cx, top + 16, title, ha="center", va="center", gid=f"fact-count-{kind}")
        o, c_per, kk, _ = weight_shape(kind)
        shape = t["shape"].format(o=o, c=c_per, k=kk)
        ax.text(cx, top - side - 14, shape, ha="center", va="center", color=C.muted, gid=f"fact-shape-{kind}")


# ---- stacked 3×3 kernels against one large kernel -----------------------------------------------
LAYERS = 3


def stack_table(layers: int = LAYERS) -> list[tuple[int, int, int]]:
    """For n = 1…layers stride-1 3×3 layers: (receptive field, weights of the stack in units of
    C², weights of one kernel of that size in units of C²)."""
    fields = nn.receptive_field([(3, 1)] * layers)
    return [(r, 9 * (i + 1), r * r) for i, (r, _) in enumerate(fields)]


@figure("q24/stacked-3x3", size=(5.5, 3.6))
def stacked_3x3(fig, t):
    """Three stride-1 3×3 layers seen from the side: one output (shaded cone) reads 3 cells of
    layer 2, 5 of layer 1 and 7 of the input, so the receptive field grows 3, 5, 7; the stack has
    9C², 18C², 27C² weights where a single kernel of that size has 9C², 25C², 49C²."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    rows = stack_table()
    n_in = rows[-1][0] + 2  # the input row is wider than the output's receptive field
    c, dy = 18, 52
    x0, y0 = 40, 40  # left edge and bottom of the input row
    centre = x0 + n_in * c / 2
    for level in range(LAYERS + 1):  # 0 = input, LAYERS = output
        n = n_in - 2 * level
        y = y0 + level * dy
        left = centre - n * c / 2
        reach = 2 * (LAYERS - level) + 1 if level < LAYERS else 1  # cells the output's cone covers
        fill_cells(ax, [(centre - reach * c / 2, y, reach * c, c)], C.accent, alpha=0.5, gid=f"fact-cone-{level}")
        borders(ax, 1, n, left, y + c, c, c)
        label = t["input"] if level == 0 else t["layer"].format(l=level)
        ax.text(left - 8, y + c / 2, label, ha="right", va="center", color=C.muted)
        if level:  # each cell of the cone reads 3 cells of the row below
            below = reach + 2
            for i in range(reach):
                xc = centre - reach * c / 2 + (i + 0.5) * c
                for d in (-1, 0, 1):
                    xb = xc + d * c
                    if abs(xb - centre) < below * c / 2:
                        ax.plot([xc, xb], [y, y - dy + c], color=C.muted, lw=0.8)
    # the table: receptive field and weights, stack against one kernel of the same size
    xt = x0 + n_in * c + 12
    cols = (xt + 20, xt + 78, xt + 138)
    head_y = y0 + LAYERS * dy + c + 14
    ax.text(cols[0], head_y + 18, t["rf"], ha="center", va="center", fontweight="bold")
    ax.text((cols[1] + cols[2]) / 2, head_y + 18, t["weights"], ha="center", va="center", fontweight="bold")
    for x, text in zip(cols[1:], (t["stacked"].format(n="n"), t["single"]), strict=True):
        ax.text(x, head_y, text, ha="center", va="center", fontweight="bold")
    for level, (r, stack, single) in enumerate(rows, start=1):
        y = y0 + level * dy + c / 2  # beside the layer whose receptive field it states
        ax.text(cols[0], y, f"{r}×{r}", ha="center", va="center", gid="fact-rf")
        ax.text(cols[1], y, f"{stack}C²", ha="center", va="center", color=C.accent, gid="fact-stack")
        ax.text(cols[2], y, f"{single}C²", ha="center", va="center", color=C.accent2, gid="fact-single")
    ax.text(width / 2, 12, t["relu"], ha="center", va="center", color=C.muted)

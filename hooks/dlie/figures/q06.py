"""Figures of question 6 (stride and padding)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from dlie import nn
from dlie.figures import cells, figure
from dlie.figures.style import C

KEEP = {"ceil", "mode", "valid", "same", "full"}  # ceil_mode and the padding names

LABELS = {
    "zh": {
        "input": "输入 {n}×{n}，填充 p={p}",
        "output": "输出 {o}×{o}",
        "window": "{k}×{k} 窗口，步长 s={s}",
        "stride": "步长 s={s}",
        "padding": "填充 p={p}",
        "n_out": "输出 {o} 个",
        "floor": "向下取整：{o} 个窗口",
        "ceil": "ceil_mode：{o} 个窗口",
        "unread": "第 {cols} 列不在任何窗口中",
        "overhang": "伸出输入的部分不参与计算",
        "sep": "、",
        "windows": "覆盖该像素的窗口数（k=3，s=1）",
        "dilation": "d={d}：等效 {e}×{e}",
        "valid": "p=0（valid）",
        "same": "p=1（same）",
        "full": "p=2（full）",
    },
    "en": {
        "input": "input {n}×{n}, padding p={p}",
        "output": "output {o}×{o}",
        "window": "{k}×{k} window, stride s={s}",
        "stride": "stride s={s}",
        "padding": "padding p={p}",
        "n_out": "{o} outputs",
        "floor": "floor: {o} windows",
        "ceil": "ceil_mode: {o} windows",
        "unread": "column {cols}: in no window",
        "overhang": "the overhang is ignored",
        "sep": ", ",
        "windows": "windows covering each pixel (k=3, s=1)",
        "dilation": "d={d}: spans {e}×{e}",
        "valid": "p=0 (valid)",
        "same": "p=1 (same)",
        "full": "p=2 (full)",
    },
}

# the page's worked example: n = 5, k = 3, s = 2, p = 1
N, K, S, P = 5, 3, 2, 1


def grid(ax, x0, y0, rows, cols, cell, face, gid=None, edge=C.grid):
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(
                Rectangle(
                    (x0 + j * cell, y0 - (i + 1) * cell), cell, cell, facecolor=face, edgecolor=edge, lw=1, gid=gid
                )
            )


@figure("q06/stride-padding", size=(6.4, 3.4))
def stride_padding(fig, t):
    """A 3×3 window with stride 2 over a 5×5 input padded by 1: the output has
    floor((n + 2p − k)/s) + 1 cells per side, drawn from ``nn.conv_out``."""
    out = nn.conv_out(N, K, S, P)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 16)
    ax.set_ylim(0, 8.5)
    ax.set_aspect("equal")
    ax.axis("off")
    cell, top = 0.95, 7.5
    side = N + 2 * P
    for i in range(side):
        for j in range(side):
            pad = not (P <= i < P + N and P <= j < P + N)
            ax.add_patch(
                Rectangle(
                    (0.5 + j * cell, top - (i + 1) * cell),
                    cell,
                    cell,
                    facecolor=C.fill4 if pad else C.fill,
                    edgecolor=C.grid,
                    lw=1,
                    gid="fact-pad-cell" if pad else "fact-in-cell",
                )
            )
    for r in range(out):  # where each output row's windows start
        for c in range(out):
            if (r, c) == (0, 0):
                x, y = 0.5 + c * S * cell, top - (r * S + K) * cell
                ax.add_patch(Rectangle((x, y), K * cell, K * cell, fill=False, edgecolor=C.accent, lw=3))
    ax.text(0.5 + side * cell / 2, top + 0.35, t["input"].format(n=N, p=P), ha="center", va="bottom")
    ax.text(
        0.5 + side * cell / 2,
        top - side * cell - 0.35,
        t["window"].format(k=K, s=S),
        ha="center",
        va="top",
        color=C.accent,
    )
    x0 = 10.5
    grid(ax, x0, top - 2 * cell, out, out, cell, C.fill2, gid="fact-out-cell", edge=C.accent2)
    ax.add_patch(Rectangle((x0, top - 3 * cell), cell, cell, fill=False, edgecolor=C.accent, lw=3))
    ax.text(x0 + out * cell / 2, top - 2 * cell + 0.35, t["output"].format(o=out), ha="center", va="bottom")
    ax.annotate(
        "",
        xy=(x0 - 0.3, top - 3.5 * cell),
        xytext=(0.5 + side * cell + 0.3, top - 3.5 * cell),
        arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.5},
    )


# ---- 1-D strips: windows over a padded row ------------------------------------------------------
def window_starts(n: int, k: int, s: int, p: int, ceil_mode: bool = False) -> list[int]:
    """Where each window starts on the padded row (0 = first padded position): 0, s, 2s, …,
    as many as ``nn.conv_out`` says."""
    return [i * s for i in range(nn.conv_out(n, k, s, p, ceil_mode=ceil_mode))]


def strip(ax, x0, y, n, p, cell, extra=0):
    """A padded row of n inputs (p pad cells each side, ``extra`` dashed cells past the end);
    y is the row's bottom."""
    pads = [(x0 + j * cell, y, cell, cell) for j in [*range(p), *range(p + n, n + 2 * p)]]
    cells.fill_cells(ax, pads, C.fill4)
    cells.fill_cells(ax, [(x0 + (p + j) * cell, y, cell, cell) for j in range(n)], C.fill)
    cells.lines(ax, 1, n + 2 * p, x0, y + cell, cell)
    for j in range(extra):
        cells.frame(ax, x0 + (n + 2 * p + j) * cell, y, cell, cell, colour=C.grid, lw=1, ls=(0, (3, 2)))


WINDOW_COLOURS = (C.accent, C.accent3, C.accent4)


def brackets(ax, x0, y, starts, k, cell, levels, gid, dy=0.14):
    """One bracket above the row per window; overlapping windows go on separate levels and
    neighbouring windows take different colours."""
    for i, a in enumerate(starts):
        h = y + dy * (1 + i % levels)
        xa, xb = x0 + a * cell + 0.04, x0 + (a + k) * cell - 0.04
        colour = WINDOW_COLOURS[i % len(WINDOW_COLOURS)]
        ax.plot([xa, xa, xb, xb], [y + 0.03, h, h, y + 0.03], color=colour, lw=2, gid=gid, solid_capstyle="butt")


# n = 5 and k = 3 as in the page's worked example, for both strides and both paddings
WINDOW_CASES = [(1, 0), (1, 1), (2, 0), (2, 1)]


@figure("q06/windows", size=(6.4, 3.7))
def windows(fig, t):
    """Windows of size 3 over a row of 5 for stride 1 or 2 and padding 0 or 1: one bracket per
    window, one output cell under each window's centre; the count is ``nn.conv_out``."""
    ax = cells.canvas(fig, 6.4, 3.7)
    cell = 0.3
    for c, p in enumerate((0, 1)):
        ax.text(1.6 + c * 2.6 + 1.05, 3.5, t["padding"].format(p=p), ha="center", va="center")
    for s, p in WINDOW_CASES:
        x0 = 1.6 + p * 2.6 + (1 - p) * cell  # the input cells line up across the two columns
        y = 2.55 - (s - 1) * 1.65  # bottom of the input row
        if p == 0:
            ax.text(0.6, y + cell / 2, t["stride"].format(s=s), ha="center", va="center")
        strip(ax, x0, y, N, p, cell)
        starts = window_starts(N, K, s, p)
        brackets(ax, x0, y + cell, starts, K, cell, -(-K // s), gid=f"fact-win-s{s}-p{p}")
        centres = [x0 + (a + K / 2) * cell for a in starts]
        yo = y - 0.5  # bottom of the output cells
        cells.fill_cells(ax, [(x - cell / 2, yo, cell, cell) for x in centres], C.fill2)
        for x in centres:
            cells.frame(ax, x - cell / 2, yo, cell, cell, colour=C.accent2, lw=1)
            ax.plot([x, x], [y - 0.02, yo + cell + 0.02], color=C.muted, lw=1)
        mid = x0 + (N + 2 * p) * cell / 2
        ax.text(mid, yo - 0.22, t["n_out"].format(o=len(starts)), ha="center", va="center", color=C.accent2)


@figure("q06/floor-drop", size=(6.4, 2.6))
def floor_drop(fig, t):
    """n = 6, k = 3, s = 2, p = 0 (the page's example): with the floor two windows fit and
    column 5 is read by none; ceil_mode adds a third window that overhangs the input."""
    n, k, s = 6, 3, 2
    ax = cells.canvas(fig, 6.4, 2.6)
    cell, x0, xt = 0.45, 0.45, 4.75  # xt: centre of the text column
    for row, ceil_mode in enumerate((False, True)):
        y = 1.7 - row * 1.3
        starts = window_starts(n, k, s, 0, ceil_mode=ceil_mode)
        end = starts[-1] + k
        strip(ax, x0, y, n, 0, cell, extra=max(end - n, 0))
        read = {c for a in starts for c in range(a, min(a + k, n))}
        unread = [c for c in range(n) if c not in read]
        for c in unread:
            ax.add_patch(
                Rectangle(
                    (x0 + c * cell, y),
                    cell,
                    cell,
                    facecolor="none",
                    edgecolor=C.accent2,
                    hatch="///",
                    lw=2,
                    gid="fact-unread",
                )
            )
        brackets(ax, x0, y + cell, starts, k, cell, 2, gid=f"fact-win-{'ceil' if ceil_mode else 'floor'}")
        for c in range(n):
            ax.text(x0 + (c + 0.5) * cell, y - 0.17, str(c), ha="center", va="center", fontsize=12, color=C.muted)
        key = "ceil" if ceil_mode else "floor"
        ax.text(xt, y + 0.42, t[key].format(o=len(starts)), ha="center", va="center")
        if unread:
            ax.text(
                xt,
                y + 0.02,
                t["unread"].format(cols=t["sep"].join(map(str, unread))),
                ha="center",
                va="center",
                color=C.accent2,
            )
        if end > n:
            ax.text(xt, y + 0.02, t["overhang"], ha="center", va="center", color=C.muted)


def dilated_taps(k: int, d: int) -> list[int]:
    """Offsets of a dilated kernel's taps along one axis: 0, d, …, d(k−1) (span d(k−1)+1)."""
    return [i * d for i in range(k)]


@figure("q06/dilation", size=(6.4, 2.3))
def dilation(fig, t):
    """A 3×3 kernel with dilation 1, 2, 3 on a 7×7 grid: still 9 taps, spanning d(k−1)+1."""
    k, side = 3, 7
    ax = cells.canvas(fig, 6.4, 2.3)
    cell = 0.25
    for i, d in enumerate((1, 2, 3)):
        x0, top = 0.35 + i * 2.1, 2.15
        taps = dilated_taps(k, d)
        span = taps[-1] + 1
        o = (side - span) // 2
        cells.fill_cells(
            ax,
            [(x0 + (o + b) * cell, top - (o + a + 1) * cell, cell, cell) for a in taps for b in taps],
            C.accent,
            gid="fact-tap",
        )
        cells.lines(ax, side, side, x0, top, cell)
        cells.frame(ax, x0 + o * cell, top - (o + span) * cell, span * cell, span * cell, colour=C.accent2, lw=2)
        ax.text(
            x0 + side * cell / 2, top - side * cell - 0.25, t["dilation"].format(d=d, e=span), ha="center", va="center"
        )


@figure("q06/coverage", size=(6.4, 2.7))
def coverage(fig, t):
    """On a 5×5 input with a 3×3 kernel at stride 1, the number of windows that read each pixel
    for valid, same and full padding: a corner goes 1 → 4 → 9."""
    ax = cells.canvas(fig, 6.4, 2.7)
    cell = 0.3
    for i, (p, name) in enumerate(((0, "valid"), (1, "same"), (2, "full"))):
        cover = nn.window_cover(N, K, 1, p)
        counts = np.outer(cover, cover)
        x0, top = 0.45 + i * 2.05, 2.0
        cells.grid(ax, x0, top, counts, cell, vmax=K * K, text=counts.astype(int).astype(str), strength=0.55)
        ax.text(x0 + N * cell / 2, top - N * cell - 0.25, t[name], ha="center", va="center")
    ax.text(3.2, 2.45, t["windows"], ha="center", va="center")

"""Figures of question 8 (pooling layers)."""

from __future__ import annotations

import math

import numpy as np

from dlie import nn
from dlie.figures import cells, figure
from dlie.figures.style import C

KEEP = {"argmax"}

LABELS = {
    "zh": {
        "tile": "{k}×{k}，步长 {s}：不重叠",
        "overlap": "{k}×{k}，步长 {s}：重叠",
        "count": "格中数字：覆盖该位置的窗口数",
        "out": "输出 {o}×{o}",
        "x": "输入 x（框线为 2×2 窗口）",
        "y": "输出 y = 最大池化",
        "g": "上游梯度 ∂L/∂y",
        "dx": "∂L/∂x：只有 argmax 收到梯度",
        "forward": "前向",
        "backward": "反向",
        "adaptive": "H={n} → {o}：",
        "rows": "第 {spans} 行",
        "sep": "、",
        "span": "{a}–{b}",
        "shift_0": "原图：5 在 (1, 1)",
        "shift_in": "左移 1 格：同一窗口",
        "shift_out": "右移 1 格：下一个窗口",
        "same": "输出不变",
        "changed": "输出改变",
    },
    "en": {
        "tile": "{k}×{k}, stride {s}: no overlap",
        "overlap": "{k}×{k}, stride {s}: overlapping",
        "count": "number in a cell: windows that cover it",
        "out": "output {o}×{o}",
        "x": "input x (boxes: the 2×2 windows)",
        "y": "output y = max pooling",
        "g": "upstream gradient ∂L/∂y",
        "dx": "∂L/∂x: only the argmax gets gradient",
        "forward": "forward",
        "backward": "backward",
        "adaptive": "H={n} → {o}: ",
        "rows": "rows {spans}",
        "sep": ", ",
        "span": "{a}–{b}",
        "shift_0": "original: 5 at (1, 1)",
        "shift_in": "left by 1: same window",
        "shift_out": "right by 1: next window",
        "same": "output unchanged",
        "changed": "output changed",
    },
}


# ---- overlapping vs non-overlapping windows ----------------------------------------------------
OVERLAP_CASES = [(6, 2, 2), (7, 3, 2)]  # (n, k, s): VGG's 2×2/2 and AlexNet's 3×3/2 pooling
WINDOW_COLOURS = (C.accent, C.accent3, C.accent4)


@figure("q08/overlap", size=(6.4, 3.55))
def overlap(fig, t):
    """2×2 stride-2 windows tile a 6×6 map (every cell in one window); 3×3 stride-2 windows on a
    7×7 map overlap (shared rows and columns are read by 2 or 4 windows). Cells hold the count
    from ``nn.window_cover``; the first row of windows is outlined."""
    ax = cells.canvas(fig, 6.4, 3.55)
    cell, top = 0.3, 2.75
    bottom = top - max(n for n, _, _ in OVERLAP_CASES) * cell
    for panel, (n, k, s) in enumerate(OVERLAP_CASES):
        x0 = 0.5 + panel * 3.2
        cover = nn.window_cover(n, k, s)
        counts = np.outer(cover, cover)
        cells.grid(ax, x0, top, counts, cell, vmax=4, text=counts.astype(str), strength=0.5)
        out = nn.conv_out(n, k, s)
        # the first row of windows, each inset by the same small margin: edges hug the cell
        # borders (clear of the digits in shared columns) and abutting windows stay apart
        inset = 0.035
        for j in range(out):
            cells.frame(
                ax,
                x0 + j * s * cell + inset,
                top - k * cell + inset,
                k * cell - 2 * inset,
                k * cell - 2 * inset,
                colour=WINDOW_COLOURS[j % 3],
                lw=2.2,
                gid=f"fact-win-{n}",
            )
        name = "tile" if s >= k else "overlap"
        ax.text(x0 + n * cell / 2, top + 0.3, t[name].format(k=k, s=s), ha="center", va="center")
        ax.text(x0 + n * cell / 2, bottom - 0.22, t["out"].format(o=out), ha="center", va="center", color=C.muted)
    ax.text(3.2, 3.35, t["count"], ha="center", va="center", color=C.muted)


# ---- max pooling's backward pass: the page's example ------------------------------------------------
def max_pool_example() -> dict:
    """The page's example: x = 6×6 standard normal (seed 0), 2×2 stride-2 max pooling, upstream
    gradient g = 3×3 standard normal from the same generator; dx routes g to each argmax."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 6))
    y = nn.pool2d(x, 2, 2)
    g = rng.standard_normal(y.shape)
    dx = np.zeros_like(x)
    for i, j in np.ndindex(*y.shape):
        w = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        u, v = np.unravel_index(np.argmax(w), w.shape)
        dx[2 * i + u, 2 * j + v] += g[i, j]
    return {"x": x, "y": y, "g": g, "dx": dx}


def labelled(ax, x0, top, values, cell, face, shade=None, zeros=False, windows=False):
    """Values written in cells, the cells in ``shade`` (default: all) filled with ``face``; with
    ``zeros`` the zero cells hold a grey 0. ``windows`` outlines the 2×2 pooling windows."""
    v = np.asarray(values)
    shade = np.ones(v.shape, bool) if shade is None else shade
    boxes = [(x0 + j * cell, top - (i + 1) * cell, cell, cell) for i, j in np.argwhere(shade)]
    cells.fill_cells(ax, boxes, face, alpha=0.35)
    cells.lines(ax, *v.shape, x0, top, cell)
    if windows:
        cells.lines(ax, v.shape[0] // 2, v.shape[1] // 2, x0, top, 2 * cell, colour=C.fg, lw=1.5)
    for (i, j), value in np.ndenumerate(v):
        xy = (x0 + (j + 0.5) * cell, top - (i + 0.5) * cell)
        if zeros and value == 0:
            ax.text(*xy, "0", ha="center", va="center", fontsize=11, color=C.muted, gid="fact-zero")
        else:
            ax.text(*xy, cells.number(value, "{:.1f}"), ha="center", va="center", fontsize=11, gid="fact-value")


@figure("q08/max-grad", size=(6.4, 5.45))
def max_grad(fig, t):
    """Forward: 2×2 stride-2 max pooling of the page's 6×6 input, the maxima shaded. Backward:
    each upstream gradient goes to its window's argmax; the other 27 inputs get 0."""
    ex = max_pool_example()
    argmax = ex["dx"] != 0
    ax = cells.canvas(fig, 6.4, 5.45)
    cell, xa, xb = 0.36, 0.9, 4.6
    top1, top2 = 4.95, 2.35
    w6, w3 = 6 * cell, 3 * cell
    labelled(ax, xa, top1, ex["x"], cell, C.accent, shade=argmax, windows=True)
    labelled(ax, xb, top1 - 1.5 * cell, ex["y"], cell, C.accent)
    labelled(ax, xb, top2 - 1.5 * cell, ex["g"], cell, C.accent2)
    labelled(ax, xa, top2, ex["dx"], cell, C.accent2, shade=argmax, zeros=True, windows=True)
    ax.text(xa + w6 / 2, top1 + 0.22, t["x"], ha="center", va="center")
    ax.text(xb + w3 / 2, top1 - 1.5 * cell + 0.22, t["y"], ha="center", va="center")
    ax.text(xb + w3 / 2, top2 - 1.5 * cell + 0.22, t["g"], ha="center", va="center")
    ax.text(xa + w6 / 2, top2 + 0.22, t["dx"], ha="center", va="center")
    mid1, mid2 = top1 - 3 * cell, top2 - 3 * cell
    cells.arrow(ax, (xa + w6 + 0.15, mid1), (xb - 0.15, mid1), colour=C.accent)
    cells.arrow(ax, (xb - 0.15, mid2), (xa + w6 + 0.15, mid2), colour=C.accent2)
    ax.text((xa + w6 + xb) / 2, mid1 + 0.2, t["forward"], ha="center", va="center", color=C.accent)
    ax.text((xa + w6 + xb) / 2, mid2 + 0.2, t["backward"], ha="center", va="center", color=C.accent2)


# ---- adaptive pooling windows ------------------------------------------------------------------
ADAPTIVE_CASES = [(7, 3), (10, 3)]


def adaptive_windows(n: int, out: int) -> list[tuple[int, int]]:
    """Window i of adaptive pooling from n to out positions: [floor(i·n/out), ceil((i+1)·n/out))."""
    return [(i * n // out, math.ceil((i + 1) * n / out)) for i in range(out)]


@figure("q08/adaptive", size=(6.4, 2.4))
def adaptive(fig, t):
    """Adaptive pooling to 3 outputs: from 7 rows the windows are 0–2, 2–4, 4–6 (neighbours share a
    row); from 10 rows they are 0–3, 3–6, 6–9."""
    ax = cells.canvas(fig, 6.4, 2.4)
    cell = 0.3
    for row, (n, out) in enumerate(ADAPTIVE_CASES):
        y, x0 = 1.45 - row * 1.1, 0.4
        wins = adaptive_windows(n, out)
        cells.fill_cells(ax, [(x0, y, n * cell, cell)], C.fill)
        cells.lines(ax, 1, n, x0, y + cell, cell)
        for i, (a, b) in enumerate(wins):
            h = y + cell + 0.14 * (1 + i % 2)
            xa, xb = x0 + a * cell + 0.04, x0 + b * cell - 0.04
            ax.plot(
                [xa, xa, xb, xb],
                [y + cell + 0.03, h, h, y + cell + 0.03],
                color=WINDOW_COLOURS[i % 3],
                lw=2,
                gid=f"fact-adaptive-{n}",
                solid_capstyle="butt",
            )
        for c in range(n):
            ax.text(x0 + (c + 0.5) * cell, y - 0.15, str(c), ha="center", va="center", fontsize=11, color=C.muted)
        spans = t["sep"].join(t["span"].format(a=a, b=b - 1) for a, b in wins)
        ax.text(
            4.95, y + 0.2, t["adaptive"].format(n=n, o=out) + t["rows"].format(spans=spans), ha="center", va="center"
        )


# ---- local shift invariance: the page's example ---------------------------------------------------
def shift_example() -> list[tuple[np.ndarray, np.ndarray]]:
    """The page's example: a 6×6 map with a single 5 at (1, 1), unshifted, rolled one column left
    and one column right, each with its 2×2 stride-2 max pooling."""
    a = np.zeros((6, 6))
    a[1, 1] = 5.0
    maps = [a, np.roll(a, -1, axis=1), np.roll(a, 1, axis=1)]
    return [(m, nn.pool2d(m, 2, 2)) for m in maps]


@figure("q08/shift", size=(6.4, 3.45))
def shift(fig, t):
    """Max pooling is invariant to a shift that stays inside the window and not to one that
    crosses into the next window."""
    ax = cells.canvas(fig, 6.4, 3.45)
    cell = 0.25
    base = shift_example()[0][1]
    for panel, ((m, out), key) in enumerate(zip(shift_example(), ("shift_0", "shift_in", "shift_out"), strict=True)):
        x0 = 0.35 + panel * 2.15
        top = 3.3
        cells.grid(ax, x0, top, m, cell, vmax=5, text=np.where(m > 0, "5", ""), fontsize=12, strength=0.5)
        cells.lines(ax, 3, 3, x0, top, 2 * cell, colour=C.fg, lw=1.5)
        ax.text(x0 + 3 * cell, top - 6 * cell - 0.2, t[key], ha="center", va="center", fontsize=12)
        ox = x0 + 1.5 * cell
        otop = top - 6 * cell - 0.5
        cells.grid(
            ax, ox, otop, out, cell, vmax=5, text=np.where(out > 0, "5", ""), fontsize=12, strength=0.5, pos=C.accent2
        )
        if panel:
            same = np.array_equal(out, base)
            ax.text(
                x0 + 3 * cell,
                otop - 3 * cell - 0.2,
                t["same" if same else "changed"],
                ha="center",
                va="center",
                color=C.accent3 if same else C.accent2,
                gid=f"fact-{'same' if same else 'changed'}",
            )

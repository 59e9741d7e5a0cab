"""Figures of question 23 (the convolution operation: im2col + GEMM, and why a stride breaks
translation equivariance)."""

from __future__ import annotations

import numpy as np

from dlie import nn
from dlie.figures import cells, figure
from dlie.figures.diagram import arrow, canvas
from dlie.figures.style import C
from dlie.figures.tables import borders, table

KEEP = {"im2col", "col", "mat", "reshape"}

LABELS = {
    "zh": {
        "input": "输入 x：{n}×{n}，1 个通道",
        "windows": "{m} 个 {k}×{k} 窗口（步长 1）",
        "im2col": "im2col：第 j 个窗口 → 第 j 列",
        "copies": "{a} 个输入值 → {b} 个元素",
        "kernels": "{o} 个卷积核，各展平成一行",
        "product": "矩阵乘法：每个输出 = 一行 · 一列",
        "reshape": "reshape 成 {o} × {h}×{w}",
        "x": "x",
        "y": "步长 1 的输出",
        "shift0": "x：步长 2 的输出为 {v}",
        "shift1": "右移 1：{v}，数值变了",
        "shift2": "右移 2：{v}，只是移了 1 格",
        "kept": "深色格：步长 2 保留的输出（每隔一个取一个）",
        "kernel": "核 w = {w}",
        "sep": "、",
    },
    "en": {
        "input": "input x: {n}×{n}, 1 channel",
        "windows": "{m} windows of {k}×{k} (stride 1)",
        "im2col": "im2col: window j → column j",
        "copies": "{a} input values → {b} entries",
        "kernels": "{o} kernels, each flattened to a row",
        "product": "one GEMM: each output = row · column",
        "reshape": "reshape to {o} × {h}×{w}",
        "x": "x",
        "y": "stride-1 output",
        "shift0": "x: stride-2 output {v}",
        "shift1": "shifted by 1: {v}, new values",
        "shift2": "shifted by 2: {v}, moved by one",
        "kept": "dark cells: the outputs stride 2 keeps (every other one)",
        "kernel": "kernel w = {w}",
        "sep": ", ",
    },
}


def im2col(x: np.ndarray, k: int, s: int = 1) -> np.ndarray:
    """Every C×k×k window of x (C, H, W), flattened channel by channel and row by row, as one
    column; the columns in row-major order of the output positions: (C·k², H_out·W_out)."""
    C, H, W = x.shape
    ho, wo = nn.conv_out(H, k, s), nn.conv_out(W, k, s)
    cols = [x[:, i * s : i * s + k, j * s : j * s + k].ravel() for i in range(ho) for j in range(wo)]
    return np.stack(cols, axis=1)


N, K, C_OUT = 4, 3, 2  # a 4×4 single-channel input, 3×3 kernels, 2 output channels
WINDOW_COLOURS = (C.accent, C.accent2, C.accent3, C.accent4)


def example() -> np.ndarray:
    """The input drawn: its values are its positions 1…16, so the columns show where they come from."""
    return np.arange(1, N * N + 1, dtype=float).reshape(1, N, N)


def sub(ax, x, y, base, index, **kw):
    """``base`` with a subscript ``index``, joined at x (base ends there, index starts there)."""
    ax.text(x, y, base, ha="right", va="baseline", fontsize=15, fontstyle="italic", **kw)
    ax.text(x + 0.5, y - 4, index, ha="left", va="baseline", fontsize=13, fontstyle="italic", **kw)


@figure("q23/im2col", size=(5.5, 5.35))
def im2col_figure(fig, t):
    """im2col on a 4×4 input with 3×3 windows at stride 1: each of the 4 windows (one colour,
    drawn over the column it becomes) is one column of X_col (9×4), so the 16 input values fill
    36 entries; the 2 kernels, flattened, are the rows of W_mat (2×9), and W_mat·X_col is Y (2×4),
    reshaped to 2 × 2×2. The matrices are drawn in Falk's scheme: X_col above Y, W_mat to its left."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    x = example()
    cols = im2col(x, K)
    rows, m = cols.shape
    ho = nn.conv_out(N, K)
    cw, ch = 36, 20  # X_col cells
    xr = width - 12 - m * cw  # left edge of X_col and Y
    xw = xr - 14 - rows * ch  # left edge of W_mat (square cells of side ch)
    top = height - 72  # top of X_col
    # above each column of X_col, the window it comes from
    mc = 8
    for j in range(m):
        r, q = divmod(j, ho)
        mx = xr + j * cw + (cw - N * mc) / 2
        cells.fill_cells(ax, [(mx + q * mc, top + 8 + (N - r - K) * mc, K * mc, K * mc)], WINDOW_COLOURS[j], alpha=0.6)
        borders(ax, N, N, mx, top + 8 + N * mc, mc, mc)
    table(
        ax,
        xr,
        top,
        cols,
        cw,
        ch,
        shade=np.zeros(cols.shape, bool),
        texts=cols.astype(int).astype(str),
        text_gid="fact-col",
    )
    # the input
    ci = 27
    mid = (xw + xr - 14) / 2
    xi, ti = mid - N * ci / 2, height - 34
    ax.text(mid, height - 15, t["input"].format(n=N), ha="center", va="center")
    table(ax, xi, ti, x[0], ci, ci, shade=np.zeros((N, N), bool), texts=x[0].astype(int).astype(str), text_gid="fact-x")
    cells.frame(ax, xi + 1.5, ti - K * ci + 1.5, K * ci - 3, K * ci - 3, colour=WINDOW_COLOURS[0], lw=2.5)
    arrow(ax, (xi + N * ci + 6, ti - ci * 1.5), (xr - 6, ti - ci * 1.5), color=C.muted)
    yb = ti - N * ci
    ax.text(mid, yb - 14, t["windows"].format(m=m, k=K), ha="center", va="center", color=C.muted)
    ax.text(mid, yb - 36, t["im2col"], ha="center", va="center")
    ax.text(
        mid,
        yb - 58,
        t["copies"].format(a=x.size, b=cols.size),
        ha="center",
        va="center",
        color=C.accent2,
        gid="fact-copies",
    )
    sub(ax, xr + m * cw / 2 - 10, height - 19, "X", "col")
    ax.text(xr + m * cw / 2 + 14, height - 19, f"{rows}×{m}", ha="left", va="baseline")
    # W_mat (C_out × C k²) and Y (C_out × H_out W_out)
    ty = top - rows * ch - 12
    for o, face in enumerate((C.fill, C.fill3)):
        cells.fill_cells(ax, [(xw, ty - (o + 1) * ch, rows * ch, ch)], face)
        cells.fill_cells(ax, [(xr, ty - (o + 1) * ch, m * cw, ch)], face)
    borders(ax, C_OUT, rows, xw, ty, ch, ch)
    borders(ax, C_OUT, m, xr, ty, cw, ch, colour=C.fg)
    yl = ty - C_OUT * ch - 24
    sub(ax, xw + rows * ch / 2 - 10, yl, "W", "mat")
    ax.text(xw + rows * ch / 2 + 24, yl, f"{C_OUT}×{rows}", ha="left", va="baseline")
    ax.text(xw + rows * ch / 2, yl - 20, t["kernels"].format(o=C_OUT), ha="center", va="center", color=C.muted)
    ax.text(xr + m * cw / 2 - 4, yl, "Y", ha="right", va="baseline", fontsize=15, fontstyle="italic")
    ax.text(xr + m * cw / 2 + 4, yl, f"{C_OUT}×{m}", ha="left", va="baseline")
    ax.text(xr + m * cw / 2, yl - 20, t["reshape"].format(o=C_OUT, h=ho, w=ho), ha="center", va="center", color=C.muted)
    ax.text(width / 2, 12, t["product"], ha="center", va="center")


# ---- stride and translation equivariance, in 1-D ------------------------------------------------
BUMP, W1D, N1D = (1.0, 2.0, 1.0), (1.0, 2.0, 1.0), 11  # a bump at positions 3–5 of 11, kernel [1,2,1]
SHIFTS = (0, 1, 2)


def signal(shift: int = 0) -> np.ndarray:
    x = np.zeros(N1D)
    x[3 + shift : 3 + shift + len(BUMP)] = BUMP
    return x


def correlate(x, w, s: int = 1) -> np.ndarray:
    """1-D cross-correlation without padding at stride s (output i reads x[s·i : s·i + k])."""
    k = len(w)
    return np.array([np.dot(x[i : i + k], w) for i in range(0, len(x) - k + 1, s)])


@figure("q23/stride-shift", size=(5.5, 4.4))
def stride_shift(fig, t):
    """A bump filtered by [1,2,1]: the stride-1 output under each window's centre, and the outputs
    a stride of 2 keeps (every other one). Shifting the input by 2 moves the stride-2 output by
    one cell; shifting it by 1 makes stride 2 keep the other outputs, so the values change."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    c, h = 26, 24
    x0 = width - 14 - N1D * c
    w = np.array(W1D)
    y = height - 14
    for shift in SHIFTS:
        x = signal(shift)
        dense = correlate(x, w)
        kept = correlate(x, w, s=2)
        values = t["sep"].join(cells.number(v) for v in kept)
        ax.text(width / 2, y, t[f"shift{shift}"].format(v=values), ha="center", va="center", gid=f"fact-head-{shift}")
        top = y - 14
        table(ax, x0, top, [x], c, h, vmax=max(BUMP) * 2, text_gid=f"fact-x-{shift}")
        ax.text(x0 - 8, top - h / 2, t["x"], ha="right", va="center", fontstyle="italic")
        top -= h + 6
        keep = np.zeros(len(dense), bool)
        keep[::2] = True
        table(ax, x0 + c, top, [dense], c, h, shade=[keep], vmax=dense.max(), strength=0.6, text_gid=f"fact-y-{shift}")
        for i in np.flatnonzero(keep):
            cells.frame(ax, x0 + (i + 1) * c, top - h, c, h, colour=C.accent, lw=2, gid=f"fact-kept-{shift}")
        ax.text(x0 - 8, top - h / 2, t["y"], ha="right", va="center")
        y = top - h - 24
    ax.text(width / 2, y + 4, t["kept"], ha="center", va="center", color=C.muted)
    kernel = "[" + ", ".join(cells.number(v) for v in W1D) + "]"
    ax.text(width / 2, y - 16, t["kernel"].format(w=kernel), ha="center", va="center", color=C.muted)

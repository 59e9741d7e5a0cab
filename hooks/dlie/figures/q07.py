"""Figures of question 7 (convolutional vs fully connected layers)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle

from dlie import nn
from dlie.figures import cells, figure
from dlie.figures.style import C

KEEP = {"conv"}

LABELS = {
    "zh": {
        "fc": "全连接：{n}×{m} = {p} 个权重",
        "conv": "卷积：{p} 个共享权重",
        "inputs": "输入 x",
        "outputs": "输出 y",
        "fc_matrix": "全连接层的 {p} 个格子全是独立权重",
        "conv_matrix": "卷积的权重矩阵：{nz}/{n} 个非零，只有 {v} 个不同的值",
        "axes": "行：{o} 个输出　列：{i} 个输入",
        "kernel": "{k}×{k} 卷积核",
        "in_map": "输入 C_in={c}",
        "out_map": "输出 C_out={c}",
        "same_w": "每个位置用同一个 W",
        "params": "参数 {ci}×{co} + {co} = {p}",
        "fc_as_conv": "全连接 = {n}×{n} 卷积",
        "slide": "同样的权重在 {n}×{n} 上滑动",
        "score": "{o}×{o} 得分图",
        "one": "1×1 输出",
    },
    "en": {
        "fc": "fully connected: {n}×{m} = {p} weights",
        "conv": "convolution: {p} shared weights",
        "inputs": "input x",
        "outputs": "output y",
        "fc_matrix": "an FC layer fills all {p} cells with free weights",
        "conv_matrix": "convolution as a matrix: {nz}/{n} non-zeros, {v} distinct values",
        "axes": "rows: {o} outputs, columns: {i} inputs",
        "kernel": "{k}×{k} kernel",
        "in_map": "input C_in={c}",
        "out_map": "output C_out={c}",
        "same_w": "the same W at every position",
        "params": "parameters {ci}×{co} + {co} = {p}",
        "fc_as_conv": "FC = {n}×{n} convolution",
        "slide": "the same weights slid over {n}×{n}",
        "score": "{o}×{o} score map",
        "one": "1×1 output",
    },
}

WEIGHT_COLOURS = (C.accent, C.accent2, C.accent3, C.accent4)
# the kernel weights w₀…w₃ sit on these fills: at 0.4 the fg text keeps ≥ 4.5:1 in both palettes
WEIGHT_ALPHA = 0.4
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# ---- connectivity: 6 inputs, a kernel of 3, stride 1, no padding --------------------------------
N_IN, KERNEL = 6, 3


def conv_edges(n: int, k: int) -> list[tuple[int, int, int]]:
    """(output, input, weight index) of every connection of a 1-D valid convolution."""
    return [(o, o + u, u) for o in range(nn.conv_out(n, k)) for u in range(k)]


def nodes(ax, xs, y, face, edge):
    for x in xs:
        ax.add_patch(Circle((x, y), 0.09, facecolor=face, edgecolor=edge, lw=1.5, zorder=3))


@figure("q07/connectivity", size=(6.4, 2.9))
def connectivity(fig, t):
    """FC: every output connected to every input (n·m weights); 1-D convolution: each output
    connected to 3 neighbours, edges coloured by the shared weight they use."""
    ax = cells.canvas(fig, 6.4, 2.9)
    n_out = nn.conv_out(N_IN, KERNEL)
    gap, y_in, y_out = 0.4, 0.75, 2.05
    for panel, x0 in enumerate((1.2, 4.0)):
        xs_in = [x0 + i * gap for i in range(N_IN)]
        xs_out = [x0 + (i + (N_IN - n_out) / 2) * gap for i in range(n_out)]
        if panel == 0:
            for o in range(n_out):
                for i in range(N_IN):
                    ax.plot([xs_in[i], xs_out[o]], [y_in, y_out], color=C.muted, lw=1, gid="fact-fc-edge")
            label = t["fc"].format(n=N_IN, m=n_out, p=N_IN * n_out)
        else:
            for o, i, u in conv_edges(N_IN, KERNEL):
                ax.plot([xs_in[i], xs_out[o]], [y_in, y_out], color=WEIGHT_COLOURS[u], lw=2, gid="fact-conv-edge")
            label = t["conv"].format(p=KERNEL)
        nodes(ax, xs_in, y_in, C.fill4, C.fg)
        nodes(ax, xs_out, y_out, C.fill2, C.accent2)
        ax.text(x0 + (N_IN - 1) * gap / 2, 2.55, label, ha="center", va="center")
    ax.text(0.5, y_in, t["inputs"], ha="center", va="center", color=C.muted)
    ax.text(0.5, y_out, t["outputs"], ha="center", va="center", color=C.muted)
    for u in range(KERNEL):  # legend of the shared weights
        x = 4.1 + u * 0.75
        ax.plot([x, x + 0.25], [0.3, 0.3], color=WEIGHT_COLOURS[u], lw=2.5)
        ax.text(x + 0.3, 0.3, f"w{u}".translate(SUBSCRIPT), ha="left", va="center")


# ---- the weight matrix of a 2-D convolution -----------------------------------------------------
SIDE, K2 = 4, 2  # a 4×4 input and a 2×2 kernel: a 9×16 matrix


def conv_matrix(side: int, k: int) -> np.ndarray:
    """The matrix M with M @ x.ravel() == conv2d(x, w).ravel(), built column by column from the
    responses to basis images (as the page's code does), for the kernel w = 1, 2, …, k²: each
    non-zero entry is the number of the kernel weight it holds."""
    w = np.arange(1, k * k + 1, dtype=float).reshape(k, k)
    cols = [nn.conv2d(e.reshape(side, side), w).ravel() for e in np.eye(side * side)]
    return np.stack(cols, axis=1)


@figure("q07/weight-matrix", size=(6.4, 3.35))
def weight_matrix(fig, t):
    """The 9×16 matrix of a 2×2 convolution on a 4×4 input: 4 non-zeros per row, the same 4
    kernel weights shifted along (block Toeplitz); an FC layer would fill every cell freely."""
    m = conv_matrix(SIDE, K2)
    rows, cols = m.shape
    ax = cells.canvas(fig, 6.4, 3.35)
    # the kernel whose weights the colours stand for
    kc, kx, ktop = 0.42, 0.45, 2.25
    for u in range(K2 * K2):
        a, b = divmod(u, K2)
        cells.fill_cells(ax, [(kx + b * kc, ktop - (a + 1) * kc, kc, kc)], WEIGHT_COLOURS[u], alpha=WEIGHT_ALPHA)
        ax.text(kx + (b + 0.5) * kc, ktop - (a + 0.5) * kc, f"w{u}".translate(SUBSCRIPT), ha="center", va="center")
    cells.lines(ax, K2, K2, kx, ktop, kc)
    ax.text(kx + kc, ktop - K2 * kc - 0.25, t["kernel"].format(k=K2), ha="center", va="center")
    # the matrix
    cell, x0, top = 0.24, 2.0, 2.85
    for u in range(K2 * K2):
        boxes = [(x0 + j * cell, top - (i + 1) * cell, cell, cell) for i, j in np.argwhere(m == u + 1)]
        cells.fill_cells(ax, boxes, WEIGHT_COLOURS[u], alpha=WEIGHT_ALPHA, gid="fact-nonzero")
    cells.lines(ax, rows, cols, x0, top, cell)
    cells.arrow(ax, (kx + K2 * kc + 0.15, ktop - kc), (x0 - 0.15, ktop - kc))
    mid = x0 + cols * cell / 2
    nz, values = int(np.count_nonzero(m)), len(np.unique(m[m != 0]))
    ax.text(mid, top + 0.3, t["conv_matrix"].format(nz=nz, n=m.size, v=values), ha="center", va="center")
    ax.text(mid, top - rows * cell - 0.22, t["axes"].format(o=rows, i=cols), ha="center", va="center", color=C.muted)
    ax.text(mid, top - rows * cell - 0.55, t["fc_matrix"].format(p=m.size), ha="center", va="center")


# ---- 1×1 convolution = the same FC layer at every position ----------------------------------------
C_IN, C_OUT, MAP = 3, 2, 4
POS = (1, 2)  # the highlighted position


def stack(ax, x0, top, channels, cell, face, pos):
    """A feature map as channel grids stacked with an offset (channel 0 in front, the others
    behind it, up and to the right); ``pos`` highlighted in the front grid."""
    off = 0.14
    for c in reversed(range(channels)):
        x, y = x0 + c * off, top + c * off
        cells.fill_cells(ax, [(x, y - MAP * cell, MAP * cell, MAP * cell)], C.fill4)
        cells.lines(ax, MAP, MAP, x, y, cell)
    i, j = pos
    cells.fill_cells(ax, [(x0 + j * cell, top - (i + 1) * cell, cell, cell)], face, gid="fact-pos")


def vector(ax, x, top, n, cell, face, edge, gid):
    """A column of n cells (a channel vector)."""
    cells.fill_cells(ax, [(x, top - n * cell, cell, n * cell)], face, alpha=0.35, gid=gid)
    cells.lines(ax, n, 1, x, top, cell, colour=edge, lw=1.5)


def pointwise_params(c_in: int, c_out: int) -> int:
    """Parameters of a 1×1 convolution: a C_out × C_in matrix and C_out biases."""
    return c_in * c_out + c_out


@figure("q07/pointwise", size=(6.4, 2.6))
def pointwise(fig, t):
    """A 1×1 convolution from 3 to 2 channels: at every position the 3-channel vector goes
    through the same 2×3 matrix W, i.e. one FC layer shared across positions."""
    ax = cells.canvas(fig, 6.4, 2.6)
    cell, top, mid = 0.26, 1.85, 1.3  # mid: the height of the arrows
    i, j = POS
    stack(ax, 0.25, top, C_IN, cell, C.accent, POS)
    x_in = 0.25 + MAP * cell + 0.55
    vector(ax, x_in, mid + C_IN * cell / 2, C_IN, cell, C.accent, C.accent, "fact-x")
    wx = x_in + cell + 0.45
    cells.fill_cells(ax, [(wx, mid - C_OUT * cell / 2, C_IN * cell, C_OUT * cell)], C.fill3)
    cells.lines(ax, C_OUT, C_IN, wx, mid + C_OUT * cell / 2, cell, colour=C.accent3, lw=1.5)
    ax.text(wx + C_IN * cell / 2, mid + C_OUT * cell / 2 + 0.2, f"W ({C_OUT}×{C_IN})", ha="center", va="center")
    x_out = wx + C_IN * cell + 0.45
    vector(ax, x_out, mid + C_OUT * cell / 2, C_OUT, cell, C.accent2, C.accent2, "fact-y")
    sx = x_out + cell + 0.55
    stack(ax, sx, top, C_OUT, cell, C.accent2, POS)
    pos_y = top - (i + 0.5) * cell
    cells.arrow(ax, (0.25 + (j + 1) * cell + 0.05, pos_y), (x_in - 0.08, mid))
    cells.arrow(ax, (x_in + cell + 0.08, mid), (wx - 0.08, mid))
    cells.arrow(ax, (wx + C_IN * cell + 0.08, mid), (x_out - 0.08, mid))
    cells.arrow(ax, (x_out + cell + 0.08, mid), (sx + j * cell - 0.05, pos_y))
    ax.text(0.25 + MAP * cell / 2 + 0.14, 0.2, t["in_map"].format(c=C_IN), ha="center", va="center")
    ax.text(sx + MAP * cell / 2 + 0.07, 0.2, t["out_map"].format(c=C_OUT), ha="center", va="center")
    centre = (x_in + x_out + cell) / 2
    ax.text(centre, 0.62, t["same_w"], ha="center", va="center", color=C.accent3)
    ax.text(
        centre, 0.2, t["params"].format(ci=C_IN, co=C_OUT, p=pointwise_params(C_IN, C_OUT)), ha="center", va="center"
    )


# ---- convolutionalization: the FC layer of a 5×5 input slid over a 7×7 input ----------------------
FC_SIDE, BIG = 5, 7  # the page's code: an FC layer on 5×5 inputs, slid over a 7×7 input
AT = (1, 2)  # the page checks score_map[:, 1, 2] against the window big[:, 1:6, 2:7]


@figure("q07/sliding-fc", size=(6.4, 2.35))
def sliding_fc(fig, t):
    """An FC layer on a 5×5 input is a 5×5 convolution with a 1×1 output; on a 7×7 input the
    same weights give a 3×3 score map, each cell the FC layer applied to one 5×5 window."""
    out = nn.conv_out(BIG, FC_SIDE)
    ax = cells.canvas(fig, 6.4, 2.35)
    cell, top = 0.22, 1.9
    # left: 5×5 → 1×1
    x0 = 0.3
    cells.fill_cells(ax, [(x0, top - FC_SIDE * cell, FC_SIDE * cell, FC_SIDE * cell)], C.fill)
    cells.lines(ax, FC_SIDE, FC_SIDE, x0, top, cell)
    cells.frame(ax, x0, top - FC_SIDE * cell, FC_SIDE * cell, FC_SIDE * cell, colour=C.accent)
    cells.arrow(ax, (x0 + FC_SIDE * cell + 0.1, top - 2.5 * cell), (x0 + FC_SIDE * cell + 0.45, top - 2.5 * cell))
    ox = x0 + FC_SIDE * cell + 0.55
    cells.fill_cells(ax, [(ox, top - 3 * cell, cell, cell)], C.fill2, gid="fact-one")
    cells.frame(ax, ox, top - 3 * cell, cell, cell, colour=C.accent2, lw=1.5)
    ax.text(x0 + 0.9, top + 0.28, t["fc_as_conv"].format(n=FC_SIDE), ha="center", va="center")
    ax.text(ox + cell / 2, top - 3 * cell - 0.3, t["one"], ha="center", va="center", color=C.muted)
    # right: 7×7 → 3×3, the window at AT
    x1 = 2.75
    cells.fill_cells(ax, [(x1, top - BIG * cell, BIG * cell, BIG * cell)], C.fill)
    cells.lines(ax, BIG, BIG, x1, top, cell)
    i, j = AT
    cells.frame(ax, x1 + j * cell, top - (i + FC_SIDE) * cell, FC_SIDE * cell, FC_SIDE * cell, colour=C.accent)
    sx = x1 + BIG * cell + 0.7
    cells.arrow(ax, (x1 + BIG * cell + 0.1, top - 3.5 * cell), (sx - 0.1, top - 3.5 * cell))
    score_top = top - 2 * cell
    cells.fill_cells(
        ax,
        [(sx + b * cell, score_top - (a + 1) * cell, cell, cell) for a in range(out) for b in range(out)],
        C.fill2,
        gid="fact-score",
    )
    cells.lines(ax, out, out, sx, score_top, cell, colour=C.accent2)
    cells.frame(ax, sx + j * cell, score_top - (i + 1) * cell, cell, cell, colour=C.accent, lw=2.5)
    ax.text(x1 + BIG * cell / 2, top + 0.28, t["slide"].format(n=BIG), ha="center", va="center")
    ax.text(
        sx + out * cell / 2,
        score_top - out * cell - 0.3,
        t["score"].format(o=out),
        ha="center",
        va="center",
        color=C.muted,
    )

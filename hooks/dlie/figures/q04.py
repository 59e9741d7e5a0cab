"""Figures of question 4 (convolution and pooling step by step), all on the page's worked example:
one convolution window, max and average pooling of the ReLU output, and overlapping pooling."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from dlie import nn
from dlie.figures import figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "x": "输入 X（{n}×{n}）",
        "k": "卷积核 K",
        "b": "偏置 b = {b}",
        "z": "输出 Z（{n}×{n}）",
        "sum": "窗口与 K 逐元素相乘后求和 = {s}，加 b：Z₀,₀ = {z}",
        "a": "ReLU 后的 A",
        "max": ["最大池化", "2×2，步幅 2"],
        "avg": ["平均池化", "2×2，步幅 2"],
        "ov": ["最大池化", "3×3，步幅 1"],
        "twice": ["A₂,₀ = {v} 是两个窗口的最大值：", "输出里出现两次，反向传播时收到两份梯度"],
    },
    "en": {
        "x": "input X ({n}×{n})",
        "k": "kernel K",
        "b": "bias b = {b}",
        "z": "output Z ({n}×{n})",
        "sum": "window ⊙ K summed = {s}, plus b: Z₀,₀ = {z}",
        "a": "A after ReLU",
        "max": ["max pooling", "2×2, stride 2"],
        "avg": ["average pooling", "2×2, stride 2"],
        "ov": ["max pooling", "3×3, stride 1"],
        "twice": ["A₂,₀ = {v} is the maximum of two windows:", "it appears twice and receives two gradients"],
    },
}
KEEP = {"ReLU"}

# the page's worked example
X = np.array(
    [
        [1, 0, 2, 3, 0, 1],
        [0, 1, 3, 1, 2, 0],
        [2, 1, 0, 0, 1, 3],
        [1, 3, 1, 2, 0, 1],
        [0, 2, 2, 1, 3, 0],
        [3, 0, 1, 0, 2, 1],
    ],
    float,
)
K = np.array([[1, 0, -1], [1, 1, 0], [0, 1, 1]], float)
B = -3.0


def conv_relu():
    """Z = X ⋆ K + b (stride 1, no padding) and A = ReLU(Z), from the shared reference formulas."""
    z = nn.conv2d(X, K) + B
    return z, nn.relu(z)


def num(v: float) -> str:
    """A cell's number as the page writes it: 7, −2, 3.75 (a real minus sign)."""
    return f"{float(v):g}".replace("-", "−")


def boxes(ax, rects, **style):
    """Many rectangles (x, y, w, h) as one compound path: one SVG element for a whole grid."""
    verts, codes = [], []
    for x, y, w, h in rects:
        verts += [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    ax.add_patch(PathPatch(Path(verts, codes), clip_on=False, **style))


def cells(ax, x0, ytop, arr, cell=1.0, faces=None, gid=None, bold=None, edge=C.grid):
    """A matrix as a grid of cells with its numbers; row 0 at the top."""
    rows, cols = arr.shape
    by_face = {}
    for i in range(rows):
        for j in range(cols):
            face = faces[i][j] if faces is not None else C.fill4
            by_face.setdefault(face, []).append((x0 + j * cell, ytop - (i + 1) * cell, cell, cell))
            ax.text(
                x0 + (j + 0.5) * cell,
                ytop - (i + 0.5) * cell,
                num(arr[i, j]),
                ha="center",
                va="center",
                fontsize=12,
                fontweight="bold" if bold is not None and bold[i][j] else "normal",
                gid=gid,
            )
    for face, rects in by_face.items():
        boxes(ax, rects, facecolor=face, edgecolor=edge, lw=1)


def outline(ax, x0, ytop, i, j, h, w, colour, inset=0.0, ls="-"):
    ax.add_patch(
        Rectangle(
            (x0 + j + inset, ytop - i - h + inset),
            w - 2 * inset,
            h - 2 * inset,
            fill=False,
            edgecolor=colour,
            lw=2.5,
            ls=ls,
            zorder=4,
        )
    )


@figure("q04/conv-step", size=(6.4, 3.3))
def conv_step(fig, t):
    """The first output of the page's example: the top-left 3×3 window of X times K, summed,
    plus b = −3, gives Z₀,₀ = −2; all 16 outputs form the 4×4 map Z."""
    z, _ = conv_relu()
    n_out = nn.conv_out(X.shape[0], K.shape[0])
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.3, 16.9)
    ax.set_ylim(-1.9, 7.4)
    ax.set_aspect("equal")
    ax.axis("off")
    top = 6.0
    win = np.zeros(X.shape, bool)
    win[:3, :3] = True
    cells(ax, 0, top, X, faces=np.where(win, C.fill, C.fill4))
    outline(ax, 0, top, 0, 0, 3, 3, C.accent)
    ax.text(3, top + 0.45, t["x"].format(n=X.shape[0]), ha="center", va="bottom")
    kx = 7.3
    cells(ax, kx, top - 1.5, K, faces=[[C.fill2] * 3] * 3, edge=C.accent2)
    ax.text(kx + 1.5, top - 1.05, t["k"], ha="center", va="bottom")
    ax.text(kx + 1.5, top - 5.0, t["b"].format(b=num(B)), ha="center", va="top", color=C.accent2)
    ax.text(6.65, top - 3.0, "⊙", ha="center", va="center", fontsize=16)
    zx = 12.4
    faces = [[C.fill4] * n_out for _ in range(n_out)]
    faces[0][0] = C.fill
    cells(ax, zx, top - 1.0, z, faces=faces, gid="fact-z")
    outline(ax, zx, top - 1.0, 0, 0, 1, 1, C.accent)
    ax.text(zx + n_out / 2, top - 0.55, t["z"].format(n=n_out), ha="center", va="bottom")
    ax.annotate(
        "",
        xy=(zx - 0.15, top - 1.5),
        xytext=(kx + 3.25, top - 1.5),
        arrowprops={"arrowstyle": "->", "color": C.accent, "lw": 1.5},
    )
    s = float(np.sum(X[:3, :3] * K))
    ax.text(
        8.3, -1.2, t["sum"].format(s=num(s), z=num(s + B)), ha="center", va="center", color=C.accent, gid="fact-sum"
    )


def _quadrant_faces(n: int, k: int):
    fills = (C.fill, C.fill2, C.fill3, C.fill4)
    return [[fills[(i // k) * (n // k) + j // k] for j in range(n)] for i in range(n)]


@figure("q04/pooling", size=(6.4, 2.6))
def pooling(fig, t):
    """2×2 pooling with stride 2 on A (the page's ReLU output): each coloured window gives one output,
    its maximum (bold) or its mean."""
    _, a = conv_relu()
    k = s = 2
    mx, av = nn.pool2d(a, k, s, "max"), nn.pool2d(a, k, s, "avg")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.5, 15.0)
    ax.set_ylim(-0.2, 5.5)
    ax.set_aspect("equal")
    ax.axis("off")
    top = 4.4
    n = a.shape[0]
    faces = _quadrant_faces(n, k)
    is_max = [
        [a[i, j] == a[i - i % k : i - i % k + k, j - j % k : j - j % k + k].max() for j in range(n)] for i in range(n)
    ]
    cells(ax, 0, top, a, faces=faces, bold=is_max)
    ax.text(2, top + 0.3, t["a"], ha="center", va="bottom")
    small = [[faces[i * k][j * k] for j in range(mx.shape[1])] for i in range(mx.shape[0])]
    for x0, vals, key, gid in ((6.4, mx, "max", "fact-max"), (11.2, av, "avg", "fact-avg")):
        cells(ax, x0, top - 1.0, vals, cell=1.1, faces=small, gid=gid)
        for line, text in enumerate(t[key]):
            ax.text(x0 + 1.1, top - 0.75 + 0.55 * (1 - line) + 0.2, text, ha="center", va="bottom", fontsize=12)
        ax.annotate(
            "",
            xy=(x0 - 0.2, top - 2.1),
            xytext=(x0 - 1.5, top - 2.1),
            arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.4},
        )


@figure("q04/overlap-pool", size=(6.4, 2.9))
def overlap_pool(fig, t):
    """3×3 max pooling with stride 1 on A: the windows overlap, and A₂,₀ = 7 is the maximum of
    both left-hand windows, so the output holds 7 twice."""
    _, a = conv_relu()
    k, s = 3, 1
    out = nn.pool2d(a, k, s, "max")
    n, m = a.shape[0], out.shape[0]
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.5, 15.0)
    ax.set_ylim(-1.6, 5.8)
    ax.set_aspect("equal")
    ax.axis("off")
    top = 4.4
    winners = {}  # cell of A → the output positions whose window it wins
    for i in range(m):
        for j in range(m):
            w = a[i * s : i * s + k, j * s : j * s + k]
            hits = np.argwhere(w == w.max())
            if len(hits) == 1:
                winners.setdefault((i * s + hits[0][0], j * s + hits[0][1]), []).append((i, j))
    twice = next(cell for cell, outs in winners.items() if len(outs) > 1)
    faces = [[C.fill2 if (i, j) == twice else C.fill4 for j in range(n)] for i in range(n)]
    x0 = 2.0
    cells(ax, x0, top, a, faces=faces)
    outline(ax, x0, top, 0, 0, k, k, C.accent, inset=0.06)
    outline(ax, x0, top, 1, 0, k, k, C.accent3, inset=0.14, ls=(0, (3, 2)))
    ax.text(x0 + n / 2, top + 0.3, t["a"], ha="center", va="bottom")
    ox = 10.0
    out_faces = [[C.fill2 if (i, j) in winners[twice] else C.fill4 for j in range(m)] for i in range(m)]
    cells(ax, ox, top - 1.0, out, cell=1.1, faces=out_faces, gid="fact-ov")
    outline(ax, ox, top - 1.0, 0, 0, 1.1, 1.1, C.accent, inset=0.06)
    outline(ax, ox, top - 1.0 - 1.1, 0, 0, 1.1, 1.1, C.accent3, inset=0.12, ls=(0, (3, 2)))
    for line, text in enumerate(t["ov"]):
        ax.text(ox + 1.1, top - 0.75 + 0.55 * (1 - line) + 0.2, text, ha="center", va="bottom", fontsize=12)
    ax.annotate(
        "",
        xy=(ox - 0.3, top - 2.1),
        xytext=(x0 + n + 0.4, top - 2.1),
        arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.4},
    )
    for line, text in enumerate(t["twice"]):
        ax.text(
            7.25,
            -0.3 - 0.75 * line,
            text.format(v=num(a[twice])),
            ha="center",
            va="center",
            fontsize=12,
            color=C.accent2,
        )

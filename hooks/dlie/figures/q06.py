"""Figures of question 6 (stride and padding)."""

from __future__ import annotations

from matplotlib.patches import Rectangle

from dlie import nn
from dlie.figures import figure
from dlie.figures.style import C

LABELS = {
    "zh": {"input": "输入 {n}×{n}，填充 p={p}", "output": "输出 {o}×{o}", "window": "{k}×{k} 窗口，步幅 s={s}"},
    "en": {
        "input": "input {n}×{n}, padding p={p}",
        "output": "output {o}×{o}",
        "window": "{k}×{k} window, stride s={s}",
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

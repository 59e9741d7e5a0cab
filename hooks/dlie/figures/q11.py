"""Figures of question 11 (skip connections: identity, projection, concatenation, gate)."""

from __future__ import annotations

from matplotlib.patches import Rectangle

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, grid, node, polyline
from dlie.figures.style import C

LABELS = {
    "zh": {
        "identity": "恒等",
        "projection": "投影",
        "concat": "拼接",
        "gate": "门控",
        "shortcut": "捷径",
        "branch": "分支",
        "cat-title": "先拼接，再接一个线性层",
        "split-title": "等于：每一路各乘一块权重，再相加",
        "outputs": "{n} 个输出",
    },
    "en": {
        "identity": "identity",
        "projection": "projection",
        "concat": "concatenation",
        "gate": "gate",
        "shortcut": "shortcut",
        "branch": "branch",
        "cat-title": "concatenate, then one linear layer",
        "split-title": "equals: one weight block per path, then add",
        "outputs": "{n} outputs",
    },
}

# the page's code: C = 8 channels per path, and a linear layer with 4 outputs (Wa, Wb: 4 × C)
C_IN, OUT = 8, 4

# the four kinds of skip connection: (label key, branch name, merge, what sits on the shortcut)
KINDS = (
    ("identity", "F", "add", None),
    ("projection", "F", "add", "1×1"),
    ("concat", "F", "concat", None),
    ("gate", "H", "gate", None),
)


@figure("q11/four-kinds", size=(6.4, 3.6))
def four_kinds(fig, t):
    """The four skip connections side by side, data flowing upwards: the branch (F, or H for the
    gate) on the right, the shortcut (accent) on the left, merged by +, by concatenation, or by
    a gated sum T·H(x) + (1−T)·x; only the projection puts a layer (a 1×1 conv) on the shortcut."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    panel = width / len(KINDS)
    y_in, y_split, y_box, y_merge, y_out = 38, 58, 110, 170, 210
    for i, (name, branch, merge, on_shortcut) in enumerate(KINDS):
        cx = panel * (i + 0.5)
        bx, sx = cx + 14, cx - 32  # branch column, shortcut column
        ax.text(cx, 240, t[name], ha="center", va="center", fontweight="bold", gid="fact-kind")
        ax.text(bx, y_in, "x", ha="center", va="center", fontstyle="italic")
        arrow(ax, (bx, y_in + 8), (bx, y_box - 17))
        box(ax, bx, y_box, 44, 34, branch, face=C.fill4, edge=C.muted, fontstyle="italic")
        top = y_merge - 10
        if merge == "concat":  # the output holds x (left half) next to F(x) (right half)
            half = 22
            for k, (label, face) in enumerate((("x", C.fill), ("F", C.fill4))):
                ax.add_patch(
                    Rectangle(
                        (bx - 1.5 * half + k * half, y_merge - 9),
                        half,
                        18,
                        facecolor=face,
                        edgecolor=C.accent if k == 0 else C.muted,
                        lw=1.2,
                        gid="fact-merge-concat",
                    )
                )
                ax.text(bx - half + k * half, y_merge, label, ha="center", va="center", fontsize=12)
            join, out_label = bx - 1.5 * half, "[x, F(x)]"
            top = y_merge - 9
        else:
            node(ax, bx, y_merge, "+", gid="fact-merge-add")
            join, out_label = bx - 10, "y"
        arrow(ax, (bx, y_box + 17), (bx, top))
        arrow(ax, (bx, y_merge + (9 if merge == "concat" else 10)), (bx, y_out - 8))
        ax.text(bx, y_out + 4, out_label, ha="center", va="center", fontstyle="italic")
        if on_shortcut:
            polyline(ax, [(bx, y_split), (sx, y_split), (sx, y_box - 15)], color=C.accent, lw=2)
            box(ax, sx, y_box, 34, 30, on_shortcut, face=C.fill, edge=C.accent, size=12, gid="fact-shortcut-layer")
            polyline(ax, [(sx, y_box + 15), (sx, y_merge), (join, y_merge)], color=C.accent, lw=2)
        else:
            polyline(ax, [(bx, y_split), (sx, y_split), (sx, y_merge), (join, y_merge)], color=C.accent, lw=2)
        if merge == "gate":  # the gate weights the two paths: T on the branch, 1 − T on the shortcut
            ax.text(bx + 6, 146, "T", ha="left", va="center", fontsize=12, color=C.accent4, fontstyle="italic")
            ax.text((sx + join) / 2, y_merge + 10, "1−T", ha="center", va="center", fontsize=12, color=C.accent4)
    legend_y = 12
    for k, (key, colour, lw) in enumerate((("shortcut", C.accent, 2), ("branch", C.muted, 1.4))):
        x0 = width / 2 - 110 + k * 120
        ax.plot([x0, x0 + 24], [legend_y, legend_y], color=colour, lw=lw)
        ax.text(x0 + 30, legend_y, t[key], ha="left", va="center", fontsize=12)


def sub(ax, x, y, base, index, **kw):
    """``base`` with a subscript ``index`` (W with subscript a), joined at x: the base ends there
    and the index starts there, whatever the page font's widths (mathtext would set it at 9 px)."""
    ax.text(x, y, base, ha="right", va="baseline", fontstyle="italic", **kw)
    ax.text(x + 0.5, y - 4, index, ha="left", va="baseline", fontsize=12, fontstyle="italic", **kw)


def matmul(ax, x0, top, parts, cell, gid_prefix):
    """A row vector made of ``parts`` [(name, weight index, fill, edge, n)] drawn over the matching
    columns of a weight matrix with OUT rows (Falk's scheme: column j of W multiplies entry j of
    the vector); returns the right edge. Each weight block carries the gid
    ``{gid_prefix}-w{index}-{rows}x{cols}`` (its shape, read back by the tests)."""
    x = x0
    for name, weight, fill, edge, n in parts:
        grid(ax, x, top, 1, n, cell, face=fill, edge=edge)
        grid(ax, x, top - cell - 6, OUT, n, cell, face=fill, edge=edge, gid=f"{gid_prefix}-w{weight}-{OUT}x{n}")
        mid = x + n * cell / 2
        ax.text(mid, top + 9, name, ha="center", va="center", fontstyle="italic", fontsize=12)
        sub(ax, mid + 2, top - cell - 6 - OUT * cell - 16, "W", weight, color=C.fg)
        x += n * cell
    return x


@figure("q11/concat-linear", size=(6.4, 4.0))
def concat_linear(fig, t):
    """W[x, F(x)] = W_a x + W_b F(x): a linear layer after the concatenation, drawn in Falk's
    scheme (vector over the columns it multiplies), equals one weight block per path and a sum.
    Shapes are the page's code: C channels per path, OUT outputs."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    cell = 12
    x_part = ("x", "a", C.fill, C.accent, C_IN)
    f_part = ("F(x)", "b", C.fill2, C.accent2, C_IN)

    def output(x_left, top):
        y_mid = top - cell - 6 - OUT * cell / 2
        arrow(ax, (x_left + 6, y_mid), (x_left + 30, y_mid))
        grid(ax, x_left + 36, top - cell - 6, OUT, 1, cell, face=C.fill4, edge=C.fg, gid=f"fact-out-{OUT}")
        ax.text(x_left + 54, y_mid, t["outputs"].format(n=OUT), ha="left", va="center", fontsize=12)

    top1 = 245
    ax.text(width / 2, top1 + 30, t["cat-title"], ha="center", va="center", fontweight="bold")
    x0 = width / 2 - (2 * C_IN * cell + 110) / 2
    output(matmul(ax, x0, top1, [x_part, f_part], cell, gid_prefix="fact-cat"), top1)

    top2 = 110
    ax.text(width / 2, top2 + 30, t["split-title"], ha="center", va="center", fontweight="bold")
    x0 = width / 2 - (2 * C_IN * cell + 36 + 110) / 2
    right = matmul(ax, x0, top2, [x_part], cell, gid_prefix="fact-split")
    ax.text(right + 18, top2 - cell - 6 - OUT * cell / 2, "+", ha="center", va="center", fontsize=16)
    output(matmul(ax, right + 36, top2, [f_part], cell, gid_prefix="fact-split"), top2)

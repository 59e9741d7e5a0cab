"""Figures of question 22 (implementing residual blocks: basic vs bottleneck, where the
activation and the normalization go)."""

from __future__ import annotations

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, node, polyline
from dlie.figures.style import C

KEEP = {"ReLU", "Conv", "Post", "Pre"}

LABELS = {
    "zh": {
        "basic": "基本块，64 通道",
        "bottleneck": "瓶颈块，256 通道",
        "input": "输入 {c} 通道",
        "identity": "恒等",
        "total": "共 {n} 个权重",
        "note": "框内：卷积权重数（每个卷积后的 BN 未画出）",
        "post": "后激活",
        "pre": "预激活",
        "post-ln": "Post-LN",
        "pre-ln": "Pre-LN",
        "after-post": "ReLU 在恒等路径上",
        "after-pre": "相加后无操作：纯恒等",
        "after-post-ln": "LN 在恒等路径上",
        "after-pre-ln": "相加后无操作：纯恒等",
        "f": "F：自注意力或前馈子层",
    },
    "en": {
        "basic": "basic block, 64 channels",
        "bottleneck": "bottleneck block, 256 channels",
        "input": "input: {c} channels",
        "identity": "identity",
        "total": "{n} weights",
        "note": "in each box: conv weights (BN after each conv not drawn)",
        "post": "post-activation",
        "pre": "pre-activation",
        "post-ln": "Post-LN",
        "pre-ln": "Pre-LN",
        "after-post": "ReLU on the identity path",
        "after-pre": "nothing after +: pure identity",
        "after-post-ln": "LN on the identity path",
        "after-pre-ln": "nothing after +: pure identity",
        "f": "F: self-attention or feed-forward sublayer",
    },
}


def n_params(k: int, c_in: int, c_out: int) -> int:
    """Weights of a k × k convolution from c_in to c_out channels (no bias): k²·c_in·c_out."""
    return k * k * c_in * c_out


# the page's table: (kernel size, input channels, output channels) of each convolution
BLOCKS = {
    "basic": (64, ((3, 64, 64), (3, 64, 64))),
    "bottleneck": (256, ((1, 256, 64), (3, 64, 64), (1, 64, 256))),
}


def block_params(name: str) -> list[int]:
    return [n_params(*conv) for conv in BLOCKS[name][1]]


def conv_width(channels: int) -> float:
    """Box width (px) of a convolution with this many output channels: wider is more channels."""
    return 70 + 70 * (channels - 64) / 192


@figure("q22/blocks", size=(5.5, 4.6))
def blocks(fig, t):
    """A basic block (two 3×3 convolutions on 64 channels) next to a bottleneck block (1×1 to 64,
    3×3, 1×1 back to 256 channels), each with an identity shortcut: the box widths follow the
    channel counts, and the weight counts (k²·C_in·C_out) add up to 73,728 and 69,632."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    panel = width / 2
    y_in, y_split = height - 38, height - 52
    y_first, y_last, h = height - 86, height - 198, 36  # centres of the first and last conv boxes
    y_plus = y_last - h / 2 - 24
    for p, name in enumerate(BLOCKS):
        channels, convs = BLOCKS[name]
        cx, sx = panel * p + panel / 2 + 10, panel * p + 18  # branch and shortcut columns
        ax.text(panel * p + panel / 2, height - 14, t[name], ha="center", va="center", fontweight="bold")
        ax.text(cx, y_in, t["input"].format(c=channels), ha="center", va="center")
        step = (y_first - y_last) / (len(convs) - 1)
        ys = [y_first - i * step for i in range(len(convs))]
        arrow(ax, (cx, y_split), (cx, ys[0] + h / 2))
        for i, ((k, c_in, c_out), y) in enumerate(zip(convs, ys, strict=True)):
            box(ax, cx, y, conv_width(c_out), h, face=C.fill, edge=C.accent)
            ax.text(cx, y + 8, f"{k}×{k}, {c_out}", ha="center", va="center")
            params = f"{n_params(k, c_in, c_out):,}"
            ax.text(cx, y - 8, params, ha="center", va="center", color=C.muted, gid=f"fact-params-{name}")
            end = ys[i + 1] + h / 2 if i + 1 < len(convs) else y_plus + 10
            arrow(ax, (cx, y - h / 2), (cx, end))
            if i + 1 < len(convs):
                ax.text(cx + 6, (y - h / 2 + end) / 2, "ReLU", ha="left", va="center", color=C.muted)
        node(ax, cx, y_plus, "+")
        polyline(ax, [(cx, y_split), (sx, y_split), (sx, y_plus), (cx - 10, y_plus)], color=C.accent2, lw=2)
        ax.text(sx + 6, (y_split + y_plus) / 2, t["identity"], ha="left", va="center", color=C.accent2)
        arrow(ax, (cx, y_plus - 10), (cx, y_plus - 36))
        ax.text(cx + 6, y_plus - 23, "ReLU", ha="left", va="center", color=C.muted)
        total = f"{sum(block_params(name)):,}"
        ax.text(cx, y_plus - 52, t["total"].format(n=total), ha="center", va="center", gid=f"fact-total-{name}")
    ax.text(width / 2, 12, t["note"], ha="center", va="center", color=C.muted)


# where the activation / the normalization goes: the branch's operations in order, and what
# follows the addition (the page's formulas)
ORDERS = {
    "post": (("Conv", "BN", "ReLU", "Conv", "BN"), ("ReLU",)),
    "pre": (("BN", "ReLU", "Conv", "BN", "ReLU", "Conv"), ()),
    "post-ln": (("F",), ("LN",)),
    "pre-ln": (("LN", "F"), ()),
}


def order_panel(ax, cx, top, name, t, step):
    """One residual unit drawn top to bottom: xₗ, the split, the branch's operations, +, what
    follows the addition (in accent2: it sits on the identity path), xₗ₊₁ and a note."""
    branch, after = ORDERS[name]
    sx, h = cx - 62, 22
    colour = C.accent2 if after else C.accent3
    ax.text(cx, top, t[name], ha="center", va="center", fontweight="bold")
    ax.text(cx, top - 24, "xₗ", ha="center", va="center", fontstyle="italic")
    y_split = top - 38
    ys = [y_split - (i + 1) * step for i in range(len(branch))]
    y_plus = ys[-1] - step
    arrow(ax, (cx, top - 32), (cx, ys[0] + h / 2))
    for i, (op, y) in enumerate(zip(branch, ys, strict=True)):
        box(ax, cx, y, 58, h, face=C.fill4, edge=C.muted)
        ax.text(cx, y, op, ha="center", va="center", gid=f"fact-op-{name}")
        arrow(ax, (cx, y - h / 2), (cx, ys[i + 1] + h / 2 if i + 1 < len(branch) else y_plus + 10))
    node(ax, cx, y_plus, "+")
    polyline(ax, [(cx, y_split), (sx, y_split), (sx, y_plus), (cx - 10, y_plus)], color=colour, lw=2)
    y = y_plus
    for op in after:
        arrow(ax, (cx, y - 10), (cx, y - step + h / 2))
        y -= step
        box(ax, cx, y, 58, h, face=C.fill2, edge=C.accent2)
        ax.text(cx, y, op, ha="center", va="center", gid=f"fact-after-{name}")
    arrow(ax, (cx, y - (h / 2 if after else 10)), (cx, y - step + 8))
    ax.text(cx, y - step, "xₗ₊₁", ha="center", va="center", fontstyle="italic")
    ax.text(cx, y - step - 22, t[f"after-{name}"], ha="center", va="center", color=colour, gid=f"fact-note-{name}")


def orders(fig, t, names, note=None):
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    for p, name in enumerate(names):
        order_panel(ax, width / 4 + p * width / 2 + 16, height - 14, name, t, step=32)
    if note:
        ax.text(width / 2, 12, t[note], ha="center", va="center", color=C.muted)


@figure("q22/activation-order", size=(5.5, 4.9))
def activation_order(fig, t):
    """Post-activation (Conv, BN, ReLU, Conv, BN, then + and a ReLU) next to pre-activation (BN,
    ReLU, Conv, BN, ReLU, Conv, then +): only in the post-activation unit does an operation
    follow the addition, so its identity path passes through a ReLU."""
    orders(fig, t, ("post", "pre"))


@figure("q22/ln-order", size=(5.5, 3.4))
def ln_order(fig, t):
    """Post-LN (the sublayer F, +, then LN) next to Pre-LN (LN, F, then +): in Post-LN every
    layer's identity path passes through an LN; in Pre-LN nothing follows the addition."""
    orders(fig, t, ("post-ln", "pre-ln"), note="f")

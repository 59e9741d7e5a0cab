"""Figures of question 2 (CNN principles): local connectivity and weight sharing against a dense
layer, the receptive field of one unit growing through the page's 1D network, and the shape of a
feature map through ResNet-18's stages."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from dlie import nn
from dlie.figures import figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "dense": "全连接层",
        "conv": "卷积层（k = {k}）",
        "dense_n": "{n} 个权重，各不相同",
        "conv_n": "{n} 个权重，所有位置共享",
        "input": "输入",
        "output": "输出",
        "w": "w{i}",
        "in": "输入",
        "convl": "卷积",
        "down": "下采样",
        "r": "r = {r}",
        "stage": ["输入", "stem", "阶段 1", "阶段 2", "阶段 3", "阶段 4", "GAP"],
        "side": "边长",
        "channels": "通道数",
    },
    "en": {
        "dense": "dense layer",
        "conv": "conv layer (k = {k})",
        "dense_n": "{n} weights, all different",
        "conv_n": "{n} weights, shared by all positions",
        "input": "input",
        "output": "output",
        "w": "w{i}",
        "in": "input",
        "convl": "conv",
        "down": "downsample",
        "r": "r = {r}",
        "stage": ["input", "stem", "stage 1", "stage 2", "stage 3", "stage 4", "GAP"],
        "side": "side",
        "channels": "channels",
    },
}
KEEP = {"stem", "GAP"}

SUB = "₀₁₂₃₄₅₆₇₈₉"


def boxes(ax, rects, **style):
    """Many rectangles (x, y, w, h) as one compound path: one SVG element, one subpath (M) each."""
    verts, codes = [], []
    for x, y, w, h in rects:
        verts += [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    if verts:
        ax.add_patch(PathPatch(Path(verts, codes), clip_on=False, **style))


def circles(ax, centres, radius, **style):
    """Many circles as one compound path."""
    paths = [Path.circle(c, radius) for c in centres]
    ax.add_patch(PathPatch(Path.make_compound_path(*paths), clip_on=False, **style))


def segments(ax, segs, **style):
    """Many line segments ((x0, y0), (x1, y1)) as one polyline broken by NaNs: one M per segment."""
    xs, ys = [], []
    for (x0, y0), (x1, y1) in segs:
        xs += [x0, x1, np.nan]
        ys += [y0, y1, np.nan]
    ax.plot(xs, ys, clip_on=False, **style)


# ---- local connectivity and weight sharing ------------------------------------------------
N_IN, K = 7, 3


def edges(n_in: int, k: int | None):
    """(input, output, weight index) of every connection: a dense layer when k is None (each edge
    its own weight), else a stride-1 convolution without padding (edge u of every window shares w_u)."""
    if k is None:
        n_out = nn.conv_out(n_in, K)  # same output width as the convolution, for comparison
        return [(i, o, o * n_in + i) for o in range(n_out) for i in range(n_in)]
    return [(o + u, o, u) for o in range(nn.conv_out(n_in, k)) for u in range(k)]


def _layer(ax, x0, t, k, title):
    es = edges(N_IN, k)
    n_out = nn.conv_out(N_IN, K)
    xin = [x0 + i for i in range(N_IN)]
    xout = [x0 + 1 + o for o in range(n_out)]
    yin, yout = 0.8, 3.6
    colours = (C.accent, C.accent2, C.accent3)
    gid = f"fact-{'dense' if k is None else 'conv'}-edge"
    if k is None:
        segments(ax, [((xin[i], yin + 0.3), (xout[o], yout - 0.3)) for i, o, _ in es], color=C.muted, lw=0.9, gid=gid)
    else:
        for u in range(k):
            segs = [((xin[i], yin + 0.3), (xout[o], yout - 0.3)) for i, o, w in es if w == u]
            segments(ax, segs, color=colours[u], lw=2, gid=gid)
    circles(ax, [(x, yin) for x in xin], 0.3, facecolor=C.fill4, edgecolor=C.fg, lw=1.2, zorder=3)
    circles(ax, [(x, yout) for x in xout], 0.3, facecolor=C.fill, edgecolor=C.accent, lw=1.2, zorder=3)
    mid = x0 + (N_IN - 1) / 2
    ax.text(mid, 4.35, title, ha="center", va="bottom")
    n_weights = len({w for _, _, w in es})
    label = t["dense_n"] if k is None else t["conv_n"]
    ax.text(
        mid,
        0.1,
        label.format(n=n_weights),
        ha="center",
        va="top",
        color=C.fg if k is None else C.accent,
        gid="fact-n-weights",
    )
    return n_weights


@figure("q02/local-sharing", size=(6.4, 2.05))
def local_sharing(fig, t):
    """7 inputs to 5 outputs: a dense layer has 35 separate weights; a convolution with k = 3
    connects each output to 3 neighbouring inputs and reuses the same 3 weights everywhere."""
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-2.4, 16.2)
    ax.set_ylim(-0.9, 5.0)
    ax.set_aspect("equal")  # round nodes: the figure's height matches the limits
    ax.axis("off")
    _layer(ax, 0, t, None, t["dense"])
    _layer(ax, 8, t, K, t["conv"].format(k=K))
    for label, y in ((t["output"], 3.6), (t["input"], 0.8)):
        ax.text(-1.3, y, label, ha="center", va="center", color=C.muted, fontsize=12)
    # which colour is which shared weight
    for u, colour in enumerate((C.accent, C.accent2, C.accent3)):
        ax.text(15.7, 3.0 - u * 0.8, t["w"].format(i=SUB[u]), ha="right", va="center", color=colour, fontweight="bold")


# ---- receptive field ------------------------------------------------------------------------
# the page's network: (kernel k, stride s) per layer; the k = 2, s = 2 layers downsample
KS = [(3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2), (3, 1)]
LENGTH, TOP = 32, 1  # input length drawn, and which top-layer unit's cone is shown


def layer_sizes(length: int = LENGTH) -> list[int]:
    sizes = [length]
    for k, s in KS:
        sizes.append(nn.conv_out(sizes[-1], k, s))
    return sizes


def cone(top: int = TOP, length: int = LENGTH) -> list[set[int]]:
    """The units of every layer (input first) that can influence unit ``top`` of the last layer."""
    sets = [{top}]
    for k, s in reversed(KS):
        sets.insert(0, {i * s + u for i in sets[0] for u in range(k)})
    assert max(sets[0]) < length
    return sets


@figure("q02/receptive-field", size=(6.4, 3.1))
def receptive_field(fig, t):
    """Which units feed one unit of the last layer, layer by layer, in the page's 1D network
    (conv k=3, conv, downsample k=2 s=2, conv, conv, downsample, conv): 24 input positions."""
    sizes, sets = layer_sizes(), cone()
    rf = nn.receptive_field(KS)
    jumps = [1] + [j for _, j in rf]
    rs = [1] + [r for r, _ in rf]
    # 10 px per input position and 26 px per layer, from whole pixels: short coordinates in the SVG
    w, h = 6.4 * 72, 3.1 * 72
    ax = fig.add_axes((80 / w, 7.6 / h, 332 / w, 208 / h))
    ax.set_xlim(-0.6, LENGTH + 0.6)
    ax.set_ylim(-0.5, len(KS) + 0.5)
    ax.axis("off")
    names = [t["in"]] + [t["down"] if s > 1 else t["convl"] for _, s in KS]

    def centre(layer, i):
        return i * jumps[layer] + rs[layer] / 2

    on_cells, off_cells = {0: [], 1: []}, {0: [], 1: []}  # [input layer?] → rectangles
    links = []
    for layer, (n, members) in enumerate(zip(sizes, sets, strict=True)):
        y = layer
        if layer > 0:  # edges of the cone down to the layer below
            k, s = KS[layer - 1]
            links += [
                ((centre(layer, i), y - 0.22), (centre(layer - 1, i * s + u), y - 0.78))
                for i in members
                for u in range(k)
            ]
        for i in range(n):
            box = (centre(layer, i) - 0.38, y - 0.22, 0.76, 0.44)
            (on_cells if i in members else off_cells)[int(layer == 0)].append(box)
        ax.text(-1.4, y, names[layer], ha="right", va="center", fontsize=12)
        ax.text(LENGTH + 1.4, y, t["r"].format(r=rs[layer]), ha="left", va="center", fontsize=12, gid="fact-r")
    segments(ax, links, color=C.accent, lw=0.9, alpha=0.7)
    for first, tag in ((1, "fact-"), (0, "")):
        boxes(ax, on_cells[first], facecolor=C.accent, edgecolor=C.accent, lw=0.8, gid=f"{tag}rf-in" if tag else None)
        boxes(ax, off_cells[first], facecolor=C.fill4, edgecolor=C.grid, lw=0.8, gid=f"{tag}in" if tag else None)


# ---- a CNN's shape: ResNet-18 ------------------------------------------------------------------
def resnet18_shapes() -> list[tuple[int, int]]:
    """(side, channels) of the feature map after the input, the stem (7×7 conv stride 2 pad 3,
    3×3 max pool stride 2 pad 1), each stage (stages 2–4 start with stride 2) and global pooling."""
    side = 224
    out = [(side, 3)]
    side = nn.conv_out(nn.conv_out(side, 7, 2, 3), 3, 2, 1)
    out.append((side, 64))
    for stage, ch in enumerate((64, 128, 256, 512)):
        side = nn.conv_out(side, 3, 1 if stage == 0 else 2, 1)
        out.append((side, ch))
    out.append((1, 512))
    return out


@figure("q02/resnet-shapes", size=(6.4, 2.9))
def resnet_shapes(fig, t):
    """ResNet-18 on a 224×224×3 image: the side of the feature map halves stage by stage
    (224, 56, 56, 28, 14, 7, then 1 after global average pooling) while the channels double."""
    shapes = resnet18_shapes()
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 16)
    ax.set_ylim(-2.4, 4.6)
    ax.axis("off")
    x0, step = 2.0, 14 / len(shapes)
    fills = (C.fill4, C.fill, C.fill, C.fill2, C.fill3, C.fill, C.fill4)
    for n, (side, ch) in enumerate(shapes):
        x = x0 + step * (n + 0.5)
        h = 0.5 + 3.0 * (side / 224) ** 0.5  # slab height grows with the side (square-root scale)
        w = 0.2 + 0.9 * (ch / 512) ** 0.5  # slab depth grows with the channels (square-root scale)
        ax.add_patch(
            Rectangle((x - w / 2, 1.6 - h / 2), w, h, facecolor=fills[n], edgecolor=C.fg, lw=1.2, gid="fact-stage")
        )
        ax.text(x, 3.95, t["stage"][n], ha="center", va="center", fontsize=12)
        ax.text(x, -0.6, f"{side}×{side}", ha="center", va="center", fontsize=12, gid="fact-side")
        ax.text(x, -1.5, f"{ch}", ha="center", va="center", fontsize=12, color=C.accent, gid="fact-channels")
        if n:
            ax.annotate(
                "",
                xy=(x - w / 2 - 0.08, 1.6),
                xytext=(x - step + 0.55, 1.6),
                arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1},
            )
    ax.text(1.0, -0.6, t["side"], ha="center", va="center", fontsize=12, color=C.muted)
    ax.text(1.0, -1.5, t["channels"], ha="center", va="center", fontsize=12, color=C.accent)

"""Figures of question 20 (parameters vs compute): VGG-16's parameters and multiply-accumulates
stage by stage (the page's table as a chart), how often each weight is used per image, and
what a global-average-pooling head does to the parameter count. Every number is counted from
the page's configuration, as the page's code counts it."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.patches import Rectangle

from dlie import nn
from dlie.figures import figure
from dlie.figures.diagram import canvas
from dlie.figures.style import C

FS = 13  # every text of these figures: 13 px at 5.6 in, so nothing is below 11 px on a phone

LABELS = {
    "zh": {
        "params": "参数量占比",
        "macs": "乘加次数占比",
        "conv-total": "卷积层合计",
        "fc-total": "全连接层合计",
        "reuse-title": "每个权重在一次前向中被使用的次数",
        "reuse-note": "卷积：H_out·W_out 次；全连接：1 次",
        "average": "平均每个参数：卷积层 {conv} 次，全连接层 {fc} 次",
        "vgg": "原始 VGG-16",
        "gap": "GAP + 一层全连接",
        "conv": "卷积层 {v}",
        "head": "分类头",
        "head-v": "分类头 {v}",
        "total": "共 {v}",
        "total-head": "共 {v}（分类头 {h}）",
        "millions": "参数量（百万）",
    },
    "en": {
        "params": "share of parameters",
        "macs": "share of MACs",
        "conv-total": "conv total",
        "fc-total": "FC total",
        "reuse-title": "times each weight is used in one forward pass",
        "reuse-note": "conv: H_out·W_out times; FC: once",
        "average": "per parameter on average: conv {conv}, FC {fc}",
        "vgg": "original VGG-16",
        "gap": "GAP + one FC layer",
        "conv": "conv layers {v}",
        "head": "head",
        "head-v": "head {v}",
        "total": "total {v}",
        "total-head": "total {v} (head {h})",
        "millions": "parameters (millions)",
    },
}
KEEP = {"conv", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8", "H_out", "W_out", "VGG"}

# ---- the page's code: VGG-16 configuration D, 224 × 224 × 3 input, 3×3 convs (padding 1), 2×2 pools --
CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
IN_CHANNELS, IN_SIDE, K, FC = 3, 224, 3, (4096, 4096, 1000)


@lru_cache(maxsize=1)
def vgg16_layers() -> list[dict]:
    """Every weight layer of VGG-16 with its stage (conv1 … conv5, fc6, fc7, fc8), parameters
    k²·C_in·C_out + C_out (N_in·N_out + N_out for FC), multiply-accumulates per image
    H_out·W_out·k²·C_in·C_out (N_in·N_out) and the times each weight is used (H_out·W_out; 1)."""
    layers, c_in, side, stage = [], IN_CHANNELS, IN_SIDE, 1
    for v in CFG:
        if v == "M":
            side, stage = nn.conv_out(side, 2, 2), stage + 1
            continue
        side = nn.conv_out(side, K, 1, 1)
        layers.append(
            {
                "stage": f"conv{stage}",
                "params": K * K * c_in * v + v,
                "macs": side * side * K * K * c_in * v,
                "uses": side * side,
            }
        )
        c_in = v
    dims = [c_in * side * side, *FC]
    for i, (a, b) in enumerate(zip(dims, dims[1:], strict=False)):
        layers.append({"stage": f"fc{6 + i}", "params": a * b + b, "macs": a * b, "uses": 1})
    return layers


def stages() -> list[dict]:
    """The layers summed stage by stage (the rows of the page's table)."""
    out: dict[str, dict] = {}
    for layer in vgg16_layers():
        row = out.setdefault(layer["stage"], {"stage": layer["stage"], "params": 0, "macs": 0, "uses": layer["uses"]})
        row["params"] += layer["params"]
        row["macs"] += layer["macs"]
    return list(out.values())


def totals() -> dict[str, int]:
    layers = vgg16_layers()
    conv = [x for x in layers if x["stage"].startswith("conv")]
    fc = [x for x in layers if x["stage"].startswith("fc")]
    return {
        "conv_params": sum(x["params"] for x in conv),
        "fc_params": sum(x["params"] for x in fc),
        "conv_macs": sum(x["macs"] for x in conv),
        "fc_macs": sum(x["macs"] for x in fc),
    }


def percent(v: float) -> str:
    """A share as the page writes it: 12.5%, 0.8%, 0.66%, 0.03%."""
    if v >= 1:
        return f"{v:.1f}%"
    return f"{v:.2g}%" if v >= 0.1 else f"{v:.2f}%"


@figure("q20/params-macs", size=(5.6, 3.9))
def params_macs(fig, t):
    """VGG-16 stage by stage, parameter share to the left and MAC share to the right on the same
    scale: fc6 alone holds 74.3% of the parameters but does 0.66% of the MACs; conv1 holds 0.03%
    of the parameters and does 12.5% of the MACs; FC layers 89.4% of parameters, conv layers
    99.2% of MACs."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    rows = stages()
    tot = totals()
    p_all = tot["conv_params"] + tot["fc_params"]
    m_all = tot["conv_macs"] + tot["fc_macs"]
    mid, half_gap, scale = width / 2, 24, 2.2  # px per percentage point, both sides
    top, row_h, bar_h = 232, 22, 15
    ax.text(mid - half_gap - 4, top + 22, t["params"], ha="right", va="center", fontsize=FS, color=C.accent2)
    ax.text(mid + half_gap + 4, top + 22, t["macs"], ha="left", va="center", fontsize=FS, color=C.accent)
    for i, row in enumerate(rows):
        y = top - i * row_h
        ax.text(mid, y, row["stage"], ha="center", va="center", fontsize=FS)
        for side, share, colour in (
            (-1, 100 * row["params"] / p_all, C.accent2),
            (1, 100 * row["macs"] / m_all, C.accent),
        ):
            x0 = mid + side * half_gap
            length = share * scale
            ax.barh(y, side * length, left=x0, height=bar_h, color=colour, gid=f"fact-bar-{'p' if side < 0 else 'm'}")
            inside = length > 60
            x = x0 + side * (length - 4 if inside else length + 4)
            ax.text(
                x,
                y,
                percent(share),
                ha=("right" if inside else "left") if side > 0 else ("left" if inside else "right"),
                va="center",
                fontsize=FS,
                color=C.bg if inside else C.fg,
                gid=f"fact-{'params' if side < 0 else 'macs'}-{row['stage']}",
            )
    y = top - len(rows) * row_h - 8
    ax.plot([20, width - 20], [y + 8, y + 8], color=C.grid, lw=1)
    for j, (name, p, m) in enumerate(
        (("conv-total", tot["conv_params"], tot["conv_macs"]), ("fc-total", tot["fc_params"], tot["fc_macs"]))
    ):
        yy = y - 10 - j * row_h
        ax.text(mid, yy, t[name], ha="center", va="center", fontsize=FS, fontweight="bold")
        ax.text(
            mid - 58,
            yy,
            percent(100 * p / p_all),
            ha="right",
            va="center",
            fontsize=FS,
            color=C.accent2,
            fontweight="bold",
            gid=f"fact-total-params-{name}",
        )
        ax.text(
            mid + 58,
            yy,
            percent(100 * m / m_all),
            ha="left",
            va="center",
            fontsize=FS,
            color=C.accent,
            fontweight="bold",
            gid=f"fact-total-macs-{name}",
        )


def thousands(v: float) -> str:
    return f"{v:,.0f}"


@figure("q20/reuse", size=(5.6, 3.5))
def reuse(fig, t):
    """How many times each weight of each VGG-16 stage is used per image (log scale): a conv
    weight once per output position (50,176 in conv1 down to 196 in conv5), an FC weight once;
    on average 1,043 MACs per conv parameter and 1.00 per FC parameter."""
    rows = stages()
    tot = totals()
    ax = fig.add_axes((0.14, 0.2, 0.66, 0.6))
    y = np.arange(len(rows))
    uses = [row["uses"] for row in rows]
    colours = [C.accent if row["stage"].startswith("conv") else C.accent2 for row in rows]
    ax.barh(y, np.array(uses) - 0.5, height=0.65, color=colours, left=0.5, gid="fact-uses-bar")
    for yi, u in zip(y, uses, strict=True):
        ax.text(u * 1.3, yi, thousands(u), ha="left", va="center", fontsize=FS, gid="fact-uses")
    ax.set_xscale("log")
    ax.set_xlim(0.5, 1e5)
    ax.set_xticks([1, 10, 100, 1000, 10000])
    ax.set_xticklabels(["1", "10", "100", "1,000", "10,000"])
    ax.minorticks_off()
    ax.set_yticks(y, [row["stage"] for row in rows])
    ax.invert_yaxis()
    ax.tick_params(labelsize=FS)
    ax.grid(axis="x", lw=0.6)
    fig.text(0.5, 0.94, t["reuse-title"], ha="center", va="center", fontsize=FS)
    fig.text(0.5, 0.87, t["reuse-note"], ha="center", va="center", fontsize=FS, color=C.muted)
    conv = thousands(tot["conv_macs"] / tot["conv_params"])
    fc = f"{tot['fc_macs'] / tot['fc_params']:.2f}"
    fig.text(
        0.5, 0.05, t["average"].format(conv=conv, fc=fc), ha="center", va="center", fontsize=FS, gid="fact-average"
    )


# ---- the GAP head: flatten + 3 FC layers replaced by global average pooling + one FC layer ---------
def gap_head_params(channels: int = 512, classes: int = FC[-1]) -> int:
    """The page's ``gap_p``: one channels → classes FC layer after global average pooling."""
    return channels * classes + classes


def millions(v: float, digits: int = 1) -> str:
    return f"{v / 1e6:.{digits}f}M"


@figure("q20/gap-head", size=(5.6, 2.7))
def gap_head(fig, t):
    """VGG-16's parameters with its original head (14.7M conv + 123.6M FC = 138.4M) and with a GAP
    head (14.7M conv + 0.51M = 15.2M): the conv part is unchanged, the head shrinks 241-fold."""
    tot = totals()
    conv, head, gap = tot["conv_params"], tot["fc_params"], gap_head_params()
    ax = fig.add_axes((0.04, 0.25, 0.92, 0.55))
    for i, (name, h) in enumerate((("vgg", head), ("gap", gap))):
        ax.barh(i, conv / 1e6, height=0.5, color=C.accent, gid=f"fact-conv-{name}")
        ax.barh(i, h / 1e6, left=conv / 1e6, height=0.5, color=C.accent2, gid=f"fact-head-{name}")
        if name == "vgg":  # the head's count inside its long bar
            total = t["total"].format(v=millions(conv + h))
            ax.text(
                (conv + h) / 1e6 - 3,
                i,
                t["head-v"].format(v=millions(h)),
                ha="right",
                va="center",
                fontsize=FS,
                color=C.bg,
                gid=f"fact-head-count-{name}",
            )
        else:
            total = t["total-head"].format(v=millions(conv + h), h=millions(h, 2))
        ax.text((conv + h) / 1e6 + 2, i, total, ha="left", va="center", fontsize=FS, gid=f"fact-total-{name}")
        ax.text(0, i - 0.33, t[name], ha="left", va="bottom", fontsize=FS)
    ax.set_ylim(1.4, -0.95)
    ax.set_xlim(0, 175)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.tick_params(labelsize=FS)
    ax.set_xlabel(t["millions"], fontsize=FS, labelpad=2)
    key = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    for j, (text, colour) in enumerate(((t["conv"].format(v=millions(conv)), C.accent), (t["head"], C.accent2))):
        x = width - 280 + j * 170
        key.add_patch(Rectangle((x, height - 22), 14, 12, color=colour))
        key.text(x + 20, height - 16, text, ha="left", va="center", fontsize=FS, gid=f"fact-key-{j}")

"""Figures of question 10 (the classification head)."""

from __future__ import annotations

import numpy as np

from dlie import nn
from dlie.figures import cells, figure
from dlie.figures.style import C

KEEP = {"resnet", "softmax"}

LABELS = {
    "zh": {
        "vgg": "VGG-16：展平 + 3 层全连接",
        "resnet": "ResNet-50：GAP + 1 个线性层",
        "flatten": "展平",
        "fc": "FC",
        "gap": "GAP",
        "params_vgg": "约 {yi:.2f} 亿个参数",
        "params_resnet": "约 {wan:.0f} 万个参数",
        "bar": "条形长度 ∝ 分类头参数量",
        "maps": "{c} 张特征图 fₖ 与类别 {cls} 的权重 w{sub}ₖ",
        "cam": "CAM：M{sub} = Σₖ w{sub}ₖ fₖ",
        "logit": "M{sub} 的平均 + b{sub} = {m} + {b} = {z} = z{sub}",
        "p": "softmax 概率 p",
        "grad": "梯度 p − y",
        "klass": "类别",
        "true": "真实类别",
    },
    "en": {
        "vgg": "VGG-16: flatten + 3 FC layers",
        "resnet": "ResNet-50: GAP + 1 linear layer",
        "flatten": "flatten",
        "fc": "FC",
        "gap": "GAP",
        "params_vgg": "about {m:.0f}M parameters",
        "params_resnet": "about {m:.2f}M parameters",
        "bar": "bar length ∝ head parameters",
        "maps": "{c} feature maps fₖ, class {cls}'s weights w{sub}ₖ",
        "cam": "CAM: M{sub} = Σₖ w{sub}ₖ fₖ",
        "logit": "mean of M{sub} + b{sub} = {m} + {b} = {z} = z{sub}",
        "p": "softmax probability p",
        "grad": "gradient p − y",
        "klass": "class",
        "true": "true class",
    },
}


SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# ---- two heads ----------------------------------------------------------------------------------
VGG_HEAD = [7 * 7 * 512, 4096, 4096, 1000]  # flatten 7×7×512, then three FC layers
RESNET_HEAD = [2048, 1000]  # GAP over 7×7×2048, then one linear layer


def linear_params(dims: list[int]) -> int:
    """Weights and biases of a chain of fully connected layers dims[0] → dims[1] → …"""
    return sum(a * b + b for a, b in zip(dims, dims[1:], strict=False))


def box(ax, x, y, w, text, face, edge, gid=None):
    """A labelled box centred at (x, y)."""
    cells.fill_cells(ax, [(x - w / 2, y - 0.17, w, 0.34)], face, gid=gid)
    cells.frame(ax, x - w / 2, y - 0.17, w, 0.34, colour=edge, lw=1.2)
    ax.text(x, y, text, ha="center", va="center", fontsize=12)


def chain(ax, y, items, verbs, face, edge):
    """Boxes (text, width) left to right with labelled arrows between them."""
    x = 0.3
    for i, (text, w) in enumerate(items):
        box(ax, x + w / 2, y, w, text, face if i else C.fill4, edge if i else C.grid)
        x += w
        if i < len(verbs):
            cells.arrow(ax, (x + 0.05, y), (x + 0.55, y))
            ax.text(x + 0.3, y + 0.28, verbs[i], ha="center", va="center", fontsize=12, color=C.muted)
            x += 0.6


@figure("q10/heads", size=(6.4, 3.9))
def heads(fig, t):
    """VGG-16's head (flatten 25088 → 4096 → 4096 → 1000, about 124M parameters) against
    ResNet-50's (GAP → 2048 → 1000, about 2.05M), with bars proportional to the counts."""
    ax = cells.canvas(fig, 6.4, 3.9)
    vgg, res = linear_params(VGG_HEAD), linear_params(RESNET_HEAD)
    scale = 5.8 / max(vgg, res)
    rows = (
        (
            "vgg",
            "params_vgg",
            vgg,
            3.65,
            [("7×7×512", 0.8)] + [(str(d), 0.62) for d in VGG_HEAD],
            [t["flatten"], t["fc"], t["fc"], t["fc"]],
            C.fill,
            C.accent,
            "fact-vgg",
        ),
        (
            "resnet",
            "params_resnet",
            res,
            1.85,
            [("7×7×2048", 0.85)] + [(str(d), 0.62) for d in RESNET_HEAD],
            [t["gap"], t["fc"]],
            C.fill2,
            C.accent2,
            "fact-resnet",
        ),
    )
    for title, params_key, n, y, items, verbs, face, edge, gid in rows:
        ax.text(0.3, y, t[title], ha="left", va="center")
        chain(ax, y - 0.6, items, verbs, face, edge)
        width = max(n * scale, 0.04)
        cells.fill_cells(ax, [(0.3, y - 1.2, width, 0.16)], edge, alpha=0.8, gid=gid)
        label = t[params_key].format(m=n / 1e6, yi=n / 1e8, wan=n / 1e4)
        ax.text(0.3, y - 1.4, label, ha="left", va="center", fontsize=12, gid=f"{gid}-label")
    ax.text(6.1, 0.2, t["bar"], ha="right", va="center", fontsize=12, color=C.muted)


# ---- class activation map: the page's example ------------------------------------------------------
def head_example() -> dict:
    """The page's example: K = 5 classes, C = 8 channels, a 4×4 feature map f, weights Wc and
    biases b (standard normal, seed 0, drawn in that order), true class 2."""
    rng = np.random.default_rng(0)
    k, c, h, w = 5, 8, 4, 4
    f = rng.standard_normal((c, h, w))
    wc, b = rng.standard_normal((k, c)), rng.standard_normal(k)
    z = wc @ f.mean(axis=(1, 2)) + b
    p = nn.softmax(z)
    y = np.eye(k)[2]
    cam = np.tensordot(wc, f, axes=1)
    return {"f": f, "Wc": wc, "b": b, "z": z, "p": p, "y": y, "cam": cam, "true": 2}


@figure("q10/cam", size=(6.4, 3.6))
def cam(fig, t):
    """CAM of the page's true class: the weighted sum of the 8 feature maps with the class's
    weights; the map's mean plus the bias is the class's logit."""
    ex = head_example()
    c = ex["true"]
    f, w = ex["f"], ex["Wc"][c]
    ax = cells.canvas(fig, 6.4, 3.6)
    vmax = np.abs(f).max()
    mc = 0.15
    for k in range(f.shape[0]):
        r, col = divmod(k, 4)
        x0, top = 0.3 + col * 0.95, 2.95 - r * 1.25
        cells.grid(ax, x0, top, f[k], mc, vmax=vmax, strength=0.8)
        ax.text(
            x0 + 2 * mc,
            top - 4 * mc - 0.2,
            "×" + cells.number(w[k], "{:.2f}"),
            ha="center",
            va="center",
            fontsize=12,
            color=C.accent3,
            gid="fact-weight",
        )
    sub = str(c).translate(SUB)
    ax.text(
        0.3 + (3 * 0.95 + 4 * mc) / 2,
        3.3,
        t["maps"].format(c=f.shape[0], cls=c, sub=sub),
        ha="center",
        va="center",
        fontsize=12,
    )
    m = ex["cam"][c]
    cx, ctop, cc = 4.55, 2.95, 0.38
    cells.arrow(ax, (3.95, 2.0), (cx - 0.12, 2.0))
    text = [[cells.number(v, "{:.1f}") for v in row] for row in m]
    cells.grid(ax, cx, ctop, m, cc, vmax=np.abs(m).max(), text=text, fontsize=11, strength=0.55)
    ax.text(cx + 2 * cc, 3.3, t["cam"].format(sub=sub), ha="center", va="center", fontsize=12)
    ax.text(
        3.2,
        0.3,
        t["logit"].format(
            sub=sub,
            m=cells.number(m.mean(), "{:.3f}"),
            b=cells.number(ex["b"][c], "{:.3f}"),
            z=cells.number(ex["z"][c], "{:.3f}"),
        ),
        ha="center",
        va="center",
        gid="fact-logit",
    )


@figure("q10/softmax-grad", size=(6.4, 3.0))
def softmax_grad(fig, t):
    """The page's softmax probabilities p and the logit gradient p − y: the true class (2) gets
    p − 1 < 0 (its logit is pushed up), every other class gets its probability (pushed down)."""
    ex = head_example()
    p, g = ex["p"], ex["p"] - ex["y"]
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.17, top=0.8)
    ax = fig.add_subplot()
    k = np.arange(len(p))
    ax.bar(k - 0.19, p, 0.36, color=C.accent, alpha=0.8, label=t["p"], gid="fact-p")
    ax.bar(k + 0.19, g, 0.36, color=C.accent2, alpha=0.8, label=t["grad"], gid="fact-grad")
    for i in k:
        ax.text(
            i - 0.19, p[i] + 0.03, cells.number(p[i], "{:.2f}"), ha="center", va="bottom", fontsize=11, color=C.accent
        )
        ax.text(
            i + 0.19,
            g[i] + (0.03 if g[i] >= 0 else -0.03),
            cells.number(g[i], "{:.2f}"),
            ha="center",
            va="bottom" if g[i] >= 0 else "top",
            fontsize=11,
            color=C.accent2,
        )
    ax.axhline(0, color=C.muted, lw=1)
    ax.set_xticks(k, [str(i) for i in k])
    ax.set_xlabel(t["klass"])
    ax.set_ylim(-1.4, 0.85)
    ax.set_yticks([-1, -0.5, 0, 0.5])
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="x", length=0)
    ax.get_xticklabels()[ex["true"]].set_color(C.accent2)
    ax.text(ex["true"], -1.27, t["true"], ha="center", va="center", fontsize=12, color=C.accent2)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)

"""Figures of question 37 (biases in implicit feedback: position bias, inverse propensity weighting,
position as a training-only input)."""

from __future__ import annotations

import functools

import numpy as np

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, node
from dlie.figures.style import C

LABELS = {
    "zh": {
        "video": "视频 {i}",
        "videos": "视频（真实相关概率 γ 从左到右递增）",
        "rate": "估计的相关概率",
        "gamma": "真实 γ",
        "naive": "朴素点击率",
        "ipw": "IPW（权重 1/θ）",
        "clipped": "裁剪 IPW（权重 ≤ 3）",
        "train": "训练",
        "serve": "线上打分",
        "features": "特征 x",
        "position": "位置 k",
        "ctr-module": "CTR 模块",
        "pos-module": "位置模块",
        "seen": "p(看到 | k)",
        "relevant": "p(点击 | x, 看到)",
        "click": "p(点击 | x, k)",
        "loss": "对数损失：点击标签",
        "rank": "只用 pCTR 排序",
        "no-position": "不需要位置",
    },
    "en": {
        "video": "video {i}",
        "videos": "videos (true relevance γ rises left to right)",
        "rate": "estimated relevance",
        "gamma": "true γ",
        "naive": "naive click rate",
        "ipw": "IPW (weight 1/θ)",
        "clipped": "clipped IPW (weight ≤ 3)",
        "train": "training",
        "serve": "serving",
        "features": "features x",
        "position": "position k",
        "ctr-module": "CTR module",
        "pos-module": "position module",
        "seen": "p(seen | k)",
        "relevant": "p(click | x, seen)",
        "click": "p(click | x, k)",
        "loss": "log loss on clicks",
        "rank": "rank by pCTR only",
        "no-position": "no position needed",
    },
}
KEEP = {"IPW", "CTR", "pCTR", "p", "x", "k", "γ", "θ"}

# ---- the page's code: a position-based click model, logged by a mostly fixed ranking ------------
THETA = 1 / np.arange(1, 6)  # examination probability of positions 1..5
GAMMA = np.array([0.2, 0.3, 0.4, 0.5, 0.6])  # true relevance of videos 0..4
N, P_FIXED, CLIP, SEED = 200_000, 0.8, 3.0, 0


@functools.cache
def estimates() -> dict[str, np.ndarray]:
    """The page's simulation, step for step: {"naive", "ipw", "clipped"} estimates of each video's
    relevance from the click log."""
    rng = np.random.default_rng(SEED)
    shuffled = np.argsort(rng.random((N, 5)), axis=1)
    fixed = rng.random(N) < P_FIXED
    pos = np.where(fixed[:, None], np.arange(5), shuffled)
    click = (rng.random((N, 5)) < THETA[pos]) & (rng.random((N, 5)) < GAMMA)
    return {
        "naive": click.mean(0),
        "ipw": (click / THETA[pos]).mean(0),
        "clipped": (click * np.minimum(1 / THETA[pos], CLIP)).mean(0),
    }


SERIES = {"naive": C.accent2, "ipw": C.accent, "clipped": C.accent3}


@figure("q37/estimates", size=(5.6, 3.6))
def estimates_figure(fig, t):
    """Per video: the naive click rate, the IPW estimate and the clipped IPW estimate from the
    page's simulated log, against the true relevance γ (a dash above each group)."""
    est = estimates()
    ax = fig.add_axes((0.12, 0.3, 0.85, 0.66))
    x = np.arange(len(GAMMA))
    width = 0.26
    for j, kind in enumerate(SERIES):
        ax.bar(x + (j - 1) * width, est[kind], width, color=SERIES[kind], label=t[kind], gid=f"fact-bar-{kind}")
    for i, g in enumerate(GAMMA):
        ax.plot([i - 1.6 * width, i + 1.6 * width], [g, g], color=C.fg, lw=2, gid="fact-gamma")
    ax.plot([], [], color=C.fg, lw=2, label=t["gamma"])
    ax.set_xticks(x)
    ax.set_xticklabels([t["video"].format(i=i) for i in x], fontsize=12)
    ax.set_xlabel(t["videos"], fontsize=12, labelpad=3)
    ax.set_ylabel(t["rate"], fontsize=12)
    ax.set_ylim(0, 0.7)
    ax.set_yticks([0, 0.2, 0.4, 0.6])
    ax.tick_params(labelsize=12)
    ax.grid(True, axis="y", lw=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.2), ncol=2, fontsize=12, frameon=False)
    for i in x:  # the IPW value of each video, written above its bar
        ax.text(
            i, est["ipw"][i] + 0.025, f"{est['ipw'][i]:.2f}", ha="center", fontsize=12, color=C.accent, gid="fact-ipw"
        )


@figure("q37/pal", size=(5.6, 3.7))
def pal(fig, t):
    """PAL: at training time p(click | x, k) = p(seen | k) × p(click | x, seen), one module per
    factor, log loss on the product; at serving time only the CTR module runs, without position."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    ax.plot([width * 0.665] * 2, [10, 256], color=C.grid, lw=1, ls=(0, (3, 3)))
    x_pos, x_ctr, x_mid, x_srv = 60, 192, 126, 330
    ax.text(x_mid, 254, t["train"], ha="center", va="center", fontweight="bold")
    ax.text(x_srv, 254, t["serve"], ha="center", va="center", fontweight="bold")
    # training: two modules, their outputs multiplied
    ax.text(x_pos, 20, t["position"], ha="center", va="center", fontsize=12)
    ax.text(x_ctr, 20, t["features"], ha="center", va="center", fontsize=12)
    for x, key, edge, face in ((x_pos, "pos-module", C.accent2, C.fill2), (x_ctr, "ctr-module", C.accent, C.fill)):
        arrow(ax, (x, 30), (x, 50))
        box(ax, x, 64, 110, 28, t[key], face=face, edge=edge, size=12)
        arrow(ax, (x, 78), (x, 98))
    ax.text(x_pos, 110, t["seen"], ha="center", va="center", fontsize=12, color=C.accent2, gid="fact-seen")
    ax.text(x_ctr, 110, t["relevant"], ha="center", va="center", fontsize=12, color=C.accent, gid="fact-relevant")
    node(ax, x_mid, 156, "×", r=11, gid="fact-product")
    arrow(ax, (x_pos + 14, 122), (x_mid - 9, 149))
    arrow(ax, (x_ctr - 14, 122), (x_mid + 9, 149))
    arrow(ax, (x_mid, 167), (x_mid, 187))
    ax.text(x_mid, 199, t["click"], ha="center", va="center", fontsize=12, fontweight="bold")
    ax.text(x_mid, 224, t["loss"], ha="center", va="center", fontsize=12, color=C.accent4)
    # serving: the CTR module alone
    ax.text(x_srv, 20, t["features"], ha="center", va="center", fontsize=12)
    arrow(ax, (x_srv, 30), (x_srv, 50))
    box(ax, x_srv, 64, 110, 28, t["ctr-module"], face=C.fill, edge=C.accent, size=12, gid="fact-serve-ctr")
    arrow(ax, (x_srv, 78), (x_srv, 98))
    ax.text(x_srv, 110, "pCTR", ha="center", va="center", fontsize=12, color=C.accent)
    ax.text(x_srv, 150, t["rank"], ha="center", va="center", fontsize=12)
    ax.text(x_srv, 175, t["no-position"], ha="center", va="center", fontsize=12, color=C.muted)

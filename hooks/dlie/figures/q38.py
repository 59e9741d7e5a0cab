"""Figures of question 38 (cold start for new users and new videos: exploration with bandits, and a
new video's path from content features to a warm ID embedding)."""

from __future__ import annotations

import functools

import numpy as np

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, polyline
from dlie.figures.style import C

LABELS = {
    "zh": {
        "t": "推荐次数 t",
        "regret": "累计遗憾",
        "greedy": "贪心",
        "ucb": "UCB",
        "thompson": "Thompson 采样",
        "final": "{v:.1f}",
        "upload": "新视频：画面、音频、标题、作者",
        "generate": "生成器 g(c) → 初始 ID 嵌入",
        "score": "排序打分 + 探索加分（UCB、TS）",
        "expose": "小流量曝光，收集点击和时长",
        "update": "更新 ID 嵌入和点击率后验",
        "repeat": "反馈够多后，按正常流量分发",
        "cold": "冷启动",
        "warm": "热启",
    },
    "en": {
        "t": "recommendations t",
        "regret": "cumulative regret",
        "greedy": "greedy",
        "ucb": "UCB",
        "thompson": "Thompson sampling",
        "final": "{v:.1f}",
        "upload": "new video: frames, audio, title, creator",
        "generate": "generator g(c) → initial ID embedding",
        "score": "ranking score + exploration bonus",
        "expose": "small exposure: clicks and watch time",
        "update": "update ID embedding and CTR posterior",
        "repeat": "enough feedback: normal traffic",
        "cold": "cold",
        "warm": "warm-up",
    },
}
KEEP = {"UCB", "TS", "ID", "g", "c", "Thompson"}

# ---- the page's code, part 1: six new videos, three policies, one shared generator --------------
CTR = np.array([0.02, 0.04, 0.06, 0.08, 0.10, 0.12])
T, SEED = 5000, 0
POLICIES = ("greedy", "ucb", "thompson")


def run(policy: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One policy on the page's bandit, step for step as the page's code: (cumulative regret,
    number of recommendations of each video)."""
    k = len(CTR)
    n, s, regret = np.zeros(k), np.zeros(k), np.zeros(T)
    for t in range(T):
        mean = s / np.maximum(n, 1)
        if policy == "greedy":
            a = np.argmax(mean)
        elif policy == "ucb":
            a = np.argmax(np.where(n > 0, mean + np.sqrt(2 * np.log(t + 1) / np.maximum(n, 1)), np.inf))
        else:
            a = np.argmax(rng.beta(1 + s, 1 + n - s))
        n[a] += 1
        s[a] += rng.random() < CTR[a]
        regret[t] = CTR.max() - CTR[a]
    return regret.cumsum(), n


@functools.cache
def runs() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The three policies in the page's order, sharing one generator seeded with 0."""
    rng = np.random.default_rng(SEED)
    return {p: run(p, rng) for p in POLICIES}


COLOURS = {"greedy": C.accent2, "ucb": C.accent, "thompson": C.accent3}


@figure("q38/regret", size=(5.6, 3.2))
def regret(fig, t):
    """Cumulative regret of greedy, UCB and Thompson sampling over the page's 5000 steps, with
    each curve's final value written at its end."""
    ax = fig.add_axes((0.13, 0.17, 0.83, 0.78))
    steps = np.arange(1, T + 1)
    for i, (p, (cum, _)) in enumerate(runs().items()):
        ax.plot(steps, cum, color=COLOURS[p], lw=2, gid=f"fact-curve-{p}")
        y = 0.92 - 0.1 * i  # a legend with each policy's final regret, in the empty upper left
        ax.plot([0.04, 0.1], [y, y], color=COLOURS[p], lw=2.5, transform=ax.transAxes)
        ax.text(0.12, y, t[p], ha="left", va="center", fontsize=12, transform=ax.transAxes)
        ax.text(
            0.6,
            y,
            t["final"].format(v=cum[-1]),
            ha="right",
            va="center",
            fontsize=12,
            color=COLOURS[p],
            transform=ax.transAxes,
            gid=f"fact-final-{p}",
        )
    ax.set_xlim(0, T)
    ax.set_ylim(0, 560)
    ax.set_xticks([0, 2500, 5000])
    ax.set_yticks([0, 250, 500])
    ax.set_xlabel(t["t"], fontsize=12, labelpad=2)
    ax.set_ylabel(t["regret"], fontsize=12)
    ax.tick_params(labelsize=12)
    ax.grid(True, lw=0.6)


STAGES = ("upload", "generate", "score", "expose", "update")


@figure("q38/lifecycle", size=(5.6, 3.9))
def lifecycle(fig, t):
    """A new video from upload to normal traffic: content features feed a generator that gives
    the initial ID embedding (cold start); then scoring with an exploration bonus, a small
    exposure and an update repeat in a loop (warm-up) until there is enough feedback."""
    ax = canvas(fig)
    cx, w, h, top, gap = 212, 270, 28, 262, 46
    ys = [top - i * gap for i in range(len(STAGES))]
    for i, (key, y) in enumerate(zip(STAGES, ys, strict=True)):
        warm = i >= 2
        box(
            ax,
            cx,
            y,
            w,
            h,
            t[key],
            face=C.fill3 if warm else C.fill,
            edge=C.accent3 if warm else C.accent,
            size=12,
            gid=f"fact-stage-{key}",
        )
        if i:
            arrow(ax, (cx, ys[i - 1] - h / 2), (cx, y + h / 2 + 1))
    # the warm-up loop: from the update back to scoring
    right = cx + w / 2
    polyline(
        ax,
        [(right, ys[4]), (right + 22, ys[4]), (right + 22, ys[2]), (right + 2, ys[2])],
        color=C.accent3,
        gid="fact-loop",
    )
    arrow(ax, (cx, ys[4] - h / 2), (cx, ys[4] - gap + h / 2 + 6))
    ax.text(cx, ys[4] - gap + 8, t["repeat"], ha="center", va="center", fontsize=12, color=C.muted)
    # brackets naming the two phases
    for key, (a, b), colour in (("cold", (0, 1), C.accent), ("warm", (2, 4), C.accent3)):
        x = cx - w / 2 - 12
        ax.plot([x, x], [ys[b] - h / 2, ys[a] + h / 2], color=colour, lw=2)
        ax.text(x - 6, (ys[a] + ys[b]) / 2, t[key], ha="right", va="center", fontsize=12, color=colour, rotation=90)

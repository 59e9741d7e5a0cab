"""Figures of question 39 (online and streaming training: the label-waiting window under delayed
feedback, the streaming training loop)."""

from __future__ import annotations

import numpy as np

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, polyline
from dlie.figures.style import C

LABELS = {
    "zh": {
        "x": "等待窗口 w（秒）",
        "y": "窗口内已到达的正标签比例",
        "curve": "1 − exp(−w/τ)，τ = {tau:g} 秒",
        "fresh": "窗口短：样本新，但正标签缺得多",
        "complete": "窗口长：标签全，但样本旧",
        "log": "曝光日志",
        "labels": "行为标签（延迟到达）",
        "joiner": "样本拼接（等待窗口 w）",
        "trainer": "训练：稠密参数 + 稀疏嵌入",
        "admit": "准入：出现次数够才建嵌入",
        "evict": "淘汰：长期未更新的嵌入",
        "push": "增量参数，分钟级同步",
        "serving": "线上推理服务",
        "impressions": "新的曝光",
    },
    "en": {
        "x": "waiting window w (s)",
        "y": "share of positive labels arrived",
        "curve": "1 − exp(−w/τ), τ = {tau:g} s",
        "fresh": "short window: fresh, many positives missing",
        "complete": "long window: complete, but stale",
        "log": "impression log",
        "labels": "action labels (delayed)",
        "joiner": "joiner (waiting window w)",
        "trainer": "trainer: dense weights + sparse embeddings",
        "admit": "admission: embed an ID once seen enough",
        "evict": "eviction: drop embeddings idle too long",
        "push": "incremental parameters, every few minutes",
        "serving": "online serving",
        "impressions": "new impressions",
    },
}
KEEP = set()

# the page's code: positive labels arrive after an exponential delay with mean TAU seconds, and the
# samples are written after waiting WINDOWS seconds
TAU = 10.0
WINDOWS = (5.0, 10.0, 30.0)
FS = 12


def captured(w, tau: float = TAU):
    """Share of the positive labels that arrive within a window of w seconds: 1 − exp(−w/τ)."""
    return 1 - np.exp(-np.asarray(w, dtype=float) / tau)


@figure("q39/delay-window", size=(5.6, 3.0))
def delay_window(fig, t):
    """The share of positives a joiner sees grows with the window: 0.39, 0.63 and 0.95 of them at
    5, 10 and 30 s for a mean delay of 10 s; whatever arrives later is written as a negative."""
    ax = fig.add_axes((0.13, 0.17, 0.83, 0.78))
    w = np.linspace(0, 40, 41)
    ax.plot(w, captured(w), color=C.accent, lw=2, gid="fact-curve")
    for x in WINDOWS:
        v = float(captured(x))
        ax.plot([x], [v], "o", color=C.accent2, ms=6)
        ax.text(x + 1.2, v - 0.03, f"{v:.2f}", ha="left", va="top", fontsize=FS, gid="fact-captured")
    ax.text(39, 0.08, t["curve"].format(tau=TAU), ha="right", va="bottom", fontsize=FS, color=C.accent)
    ax.text(1, 1.02, t["fresh"], ha="left", va="bottom", fontsize=FS, color=C.muted)
    ax.text(39, 0.80, t["complete"], ha="right", va="top", fontsize=FS, color=C.muted)
    ax.set_xlim(0, 40)
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.5, 1.0])
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"], fontsize=FS)


@figure("q39/pipeline", size=(5.6, 3.6))
def pipeline(fig, t):
    """The streaming loop: impressions and delayed labels are joined after a window, the trainer
    updates dense weights and sparse embeddings (with admission and eviction), pushes the changed
    parameters to serving every few minutes, and serving produces the next impressions."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    left, right = 100, width - 100
    box(ax, left, 236, 170, 28, t["log"], face=C.fill4, edge=C.muted, size=FS, gid="fact-source")
    box(ax, right, 236, 170, 28, t["labels"], face=C.fill4, edge=C.muted, size=FS, gid="fact-source")
    box(ax, width / 2, 180, 240, 30, t["joiner"], face=C.fill2, edge=C.accent2, size=FS, gid="fact-stage")
    arrow(ax, (left, 222), (width / 2 - 60, 195))
    arrow(ax, (right, 222), (width / 2 + 60, 195))
    box(ax, width / 2, 124, 300, 30, t["trainer"], face=C.fill, edge=C.accent, size=FS, gid="fact-stage")
    arrow(ax, (width / 2, 165), (width / 2, 139))
    ax.text(width / 2 - 150, 94, t["admit"], ha="left", va="center", fontsize=FS, color=C.muted)
    ax.text(width / 2 - 150, 76, t["evict"], ha="left", va="center", fontsize=FS, color=C.muted)
    box(ax, width / 2, 30, 200, 28, t["serving"], face=C.fill3, edge=C.accent3, size=FS, gid="fact-stage")
    polyline(ax, [(width / 2 + 150, 124), (width - 24, 124), (width - 24, 30), (width / 2 + 100, 30)])
    ax.text(width - 30, 58, t["push"], ha="right", va="center", fontsize=FS, color=C.accent)
    polyline(ax, [(width / 2 - 100, 30), (20, 30), (20, 236), (left - 85, 236)])
    ax.text(28, 58, t["impressions"], ha="left", va="center", fontsize=FS, color=C.muted)

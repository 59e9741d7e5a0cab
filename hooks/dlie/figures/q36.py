"""Figures of question 36 (evaluating recommenders): the page's two-user toy scored by a model that
knows only who clicks and by one that orders each user's impressions, with their global AUC and
GAUC; and two ranked lists with the same Recall@5 but different NDCG@5, with the discounts."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas
from dlie.figures.style import C

FS = 13  # every text: 13 px at 5.6 in wide

LABELS = {
    "zh": {
        "bias": "只知道谁爱点",
        "within": "每个用户内部排对",
        "user": "用户 {u}",
        "score": "打分 →",
        "click": "点击",
        "skip": "未点击",
        "auc": "全局 AUC {v}",
        "gauc": "GAUC {v}",
        "list": "列表 {i}",
        "discount": "折扣",
        "cut": "K = {k}",
        "recall": "Recall@{k} = {v}",
        "ndcg": "NDCG@{k} = {v}",
        "relevant": "相关物品",
        "model": "线上模型\n给候选排序",
        "exposure": "曝光\n前 K 个，各有位置",
        "feedback": "反馈\n只在展示过的物品上",
        "logs": "日志\n训练与离线评估",
        "unshown": "没展示过的物品：没有标签",
        "next": "下一个模型",
    },
    "en": {
        "bias": "knows who clicks",
        "within": "orders each user",
        "user": "user {u}",
        "score": "score →",
        "click": "click",
        "skip": "no click",
        "auc": "global AUC {v}",
        "gauc": "GAUC {v}",
        "list": "list {i}",
        "discount": "discount",
        "cut": "K = {k}",
        "recall": "Recall@{k} = {v}",
        "ndcg": "NDCG@{k} = {v}",
        "relevant": "relevant item",
        "model": "production model\nranks the candidates",
        "exposure": "exposure\ntop K, in positions",
        "feedback": "feedback\non shown items only",
        "logs": "logs\ntrain, evaluate offline",
        "unshown": "unshown items: no label",
        "next": "next model",
    },
}
KEEP = {"AUC", "GAUC", "Recall", "NDCG"}

# the page's toy: user A (0) and user B (1), five impressions each, and the two models' scores
TOY_U = np.repeat([0, 1], 5)
TOY_Y = np.array([1, 1, 1, 0, 0, 1, 0, 0, 0, 0])
MODELS = {
    "bias": np.repeat([0.8, 0.2], 5),
    "within": np.array([0.5, 0.4, 0.3, 0.2, 0.1, 0.9, 0.8, 0.7, 0.6, 0.55]),
}
# the page's two ranked lists (binary relevance in ranked order) and its cutoff
LISTS = (np.array([1, 1, 0, 0, 0, 0, 0, 0]), np.array([0, 0, 0, 1, 1, 0, 0, 0]))
K = 5


def auc(s, y) -> float:
    """Mann–Whitney AUC: the share of (positive, negative) pairs in order, ties counting 1/2."""
    d = s[y == 1][:, None] - s[y == 0][None, :]
    return float((d > 0).mean() + 0.5 * (d == 0).mean())


def gauc(s, y, u) -> float:
    """Per-user AUC weighted by impressions, users with one class of labels left out."""
    keep = [k for k in np.unique(u) if 0 < y[u == k].mean() < 1]
    w = np.array([np.sum(u == k) for k in keep])
    return float(np.dot(w, [auc(s[u == k], y[u == k]) for k in keep]) / w.sum())


def discounts(k: int) -> np.ndarray:
    return 1 / np.log2(np.arange(2, k + 2))


def ndcg(rel, k: int) -> float:
    disc = discounts(k)
    return float((rel[:k] * disc).sum() / (np.sort(rel)[::-1][:k] * disc).sum())


def recall(rel, k: int) -> float:
    return float(rel[:k].sum() / rel.sum())


@figure("q36/gauc", size=(5.6, 3.5))
def gauc_figure(fig, t):
    """The toy's ten impressions on a score axis, one row per user, clicks filled; left the model
    that scores by user only, right the one that orders each user; each with global AUC and GAUC."""
    ax = canvas(fig)
    axis_w, y_axis, rows = 130, 72, {0: 158, 1: 108}
    for p, (name, s) in enumerate(MODELS.items()):
        x0 = 60 + p * 200
        ax.text(x0 + axis_w / 2, 226, t[name], ha="center", va="center", fontsize=FS, fontweight="bold")
        ax.plot([x0, x0 + axis_w], [y_axis, y_axis], color=C.muted, lw=1)
        for v in (0, 0.5, 1):
            ax.plot([x0 + v * axis_w] * 2, [y_axis, y_axis - 4], color=C.muted, lw=1)
            ax.text(x0 + v * axis_w, y_axis - 14, f"{v:g}", ha="center", va="center", fontsize=FS)
        for user, y_row in rows.items():
            ax.plot([x0, x0 + axis_w], [y_row, y_row], color=C.grid, lw=1)
            ax.text(x0 - 8, y_row, t["user"].format(u="AB"[user]), ha="right", va="center", fontsize=FS)
            idx = np.flatnonzero(np.equal(TOY_U, user))
            for value in np.unique(s[idx]):
                same = idx[s[idx] == value]
                for k, i in enumerate(same):
                    dy = (k - (len(same) - 1) / 2) * 8
                    click = TOY_Y[i] == 1
                    ax.plot(
                        x0 + value * axis_w,
                        y_row + dy,
                        "o",
                        ms=7,
                        color=C.accent,
                        markerfacecolor=C.accent if click else C.bg,
                        gid=f"fact-{'click' if click else 'skip'}-{name}",
                    )
        a, g = auc(s, TOY_Y), gauc(s, TOY_Y, TOY_U)
        ax.text(x0 + axis_w / 2, 28, t["auc"].format(v=f"{a:.2f}"), ha="center", fontsize=FS, gid=f"fact-auc-{name}")
        ax.text(x0 + axis_w / 2, 10, t["gauc"].format(v=f"{g:.2f}"), ha="center", fontsize=FS, gid=f"fact-gauc-{name}")
    ax.text(60 + 200 + axis_w, y_axis + 12, t["score"], ha="right", va="center", fontsize=FS, color=C.muted)
    ax.plot([60], [200], "o", ms=7, color=C.accent)
    ax.text(70, 200, t["click"], va="center", fontsize=FS)
    ax.plot([160], [200], "o", ms=7, color=C.accent, markerfacecolor=C.bg)
    ax.text(170, 200, t["skip"], va="center", fontsize=FS)


@figure("q36/ndcg", size=(5.6, 3.5))
def ndcg_figure(fig, t):
    """The page's two lists of eight: relevant items filled; the discount 1/log₂(k+1) above each
    position; the cutoff K = 5; each list's Recall@5 and NDCG@5."""
    ax = canvas(fig)
    n, cell, x0 = len(LISTS[0]), 36, 76
    disc = discounts(n)
    ax.text(x0 - 8, 226, t["discount"], ha="right", va="center", fontsize=FS, color=C.muted)
    for k in range(n):
        ax.text(x0 + (k + 0.5) * cell, 226, f"{disc[k]:.2f}", ha="center", va="center", fontsize=FS, gid="fact-disc")
        ax.text(x0 + (k + 0.5) * cell, 206, str(k + 1), ha="center", va="center", fontsize=FS, color=C.muted)
    for i, (rel, top) in enumerate(zip(LISTS, (192, 108), strict=True)):
        ax.text(x0 - 8, top - cell / 2, t["list"].format(i=i + 1), ha="right", va="center", fontsize=FS)
        for k, r in enumerate(rel):
            hit = bool(r)
            ax.add_patch(
                Rectangle(
                    (x0 + k * cell + 2, top - cell + 2),
                    cell - 4,
                    cell - 4,
                    facecolor=C.accent if hit else C.fill4,
                    edgecolor=C.accent if hit else C.grid,
                    lw=1.2,
                    gid=f"fact-hit-{i}" if hit else None,
                )
            )
        rec, nd = f"{recall(rel, K):.2f}", f"{ndcg(rel, K):.2f}"
        y_text = top - cell - 14
        ax.text(x0, y_text, t["recall"].format(k=K, v=rec), va="center", fontsize=FS, gid=f"fact-recall-{i}")
        ax.text(x0 + K * cell + 8, y_text, t["ndcg"].format(k=K, v=nd), va="center", fontsize=FS, gid=f"fact-ndcg-{i}")
    x_cut = x0 + K * cell
    ax.plot([x_cut, x_cut], [44, 216], color=C.accent2, lw=1.5, ls=(0, (4, 3)))
    ax.text(x_cut + 6, 30, t["cut"].format(k=K), va="center", fontsize=FS, color=C.accent2)
    ax.add_patch(Rectangle((x0, 23), 14, 14, facecolor=C.accent, edgecolor=C.accent))
    ax.text(x0 + 20, 30, t["relevant"], va="center", fontsize=FS)


LOOP = ("model", "exposure", "feedback", "logs")  # clockwise from the top left


@figure("q36/loop", size=(5.6, 2.7))
def loop(fig, t):
    """The loop behind offline evaluation: the production model ranks, only the top K are shown in
    positions, feedback exists for shown items only, the logs train and evaluate the next model."""
    ax = canvas(fig)
    w, h = 160, 46
    centers = {"model": (96, 150), "exposure": (306, 150), "feedback": (306, 46), "logs": (96, 46)}
    for key in LOOP:
        x, y = centers[key]
        box(ax, x, y, w, h, face=C.fill if key == "model" else C.fill4, edge=C.accent if key == "model" else C.fg)
        head, rest = t[key].split("\n")
        ax.text(x, y + 9, head, ha="center", va="center", fontsize=FS, fontweight="bold", gid=f"fact-step-{key}")
        ax.text(x, y - 10, rest, ha="center", va="center", fontsize=FS)
    gap = 4
    arrow(ax, (96 + w / 2 + gap, 150), (306 - w / 2 - gap, 150), gid="fact-loop")
    arrow(ax, (306, 150 - h / 2 - gap), (306, 46 + h / 2 + gap), gid="fact-loop")
    arrow(ax, (306 - w / 2 - gap, 46), (96 + w / 2 + gap, 46), gid="fact-loop")
    arrow(ax, (96, 46 + h / 2 + gap), (96, 150 - h / 2 - gap), gid="fact-loop")
    ax.text(88, 98, t["next"], ha="right", va="center", fontsize=FS, color=C.muted)
    ax.text(201, 98, t["unshown"], ha="center", va="center", fontsize=FS, color=C.accent2, gid="fact-unshown")

"""Figures of question 13 (attention: why scores are divided by √d_k, target attention)."""

from __future__ import annotations

import math

import numpy as np

from dlie import nn
from dlie.figures import figure
from dlie.figures.diagram import box, canvas, heatmap, node
from dlie.figures.style import C

LABELS = {
    "zh": {
        "header": "逐行 softmax 得到的注意力权重（dₖ = {d}，每行之和为 1）",
        "scaled": "缩放：QKᵀ/√dₖ",
        "unscaled": "不缩放：QKᵀ",
        "sd-scaled": "分数标准差 ≈ 1",
        "sd-unscaled": "分数标准差 ≈ √dₖ = {sd:g}",
        "candidate": "候选视频：{c}",
        "query": "查询（query）",
        "scores": "每条行为与候选打分，softmax 得到权重 α",
        "sequence": "用户行为序列（键 = 值）",
        "sum": "Σ α·e：该候选下的用户兴趣向量",
        "basketball": "篮球",
        "soccer": "足球",
        "cooking": "美食",
        "cats": "萌宠",
    },
    "en": {
        "header": "attention weights after a row-wise softmax (dₖ = {d}, each row sums to 1)",
        "scaled": "scaled: QKᵀ/√dₖ",
        "unscaled": "unscaled: QKᵀ",
        "sd-scaled": "score s.d. ≈ 1",
        "sd-unscaled": "score s.d. ≈ √dₖ = {sd:g}",
        "candidate": "candidate video: {c}",
        "query": "query",
        "scores": "each behaviour is scored against the candidate; softmax gives α",
        "sequence": "user behaviour sequence (keys = values)",
        "sum": "Σ α·e: user interest for this candidate",
        "basketball": "basketball",
        "soccer": "soccer",
        "cooking": "cooking",
        "cats": "cats",
    },
}
KEEP = {"softmax", "query"}


def attention_weights(Q, K, scaled: bool = True) -> np.ndarray:
    """softmax(QKᵀ/√d_k) row by row (the page's ``attention`` returns the same matrix as ``A``);
    with ``scaled=False`` the raw dot products go into the softmax."""
    s = np.asarray(Q) @ np.asarray(K).T
    return nn.softmax(s / math.sqrt(np.shape(K)[-1]) if scaled else s, axis=-1)


# queries and keys with independent N(0, 1) entries, d_k = 256 as in the page's variance argument
D_K, N_Q, N_K, SEED = 256, 3, 5, 1


def scaling_example():
    rng = np.random.default_rng(SEED)
    return rng.standard_normal((N_Q, D_K)), rng.standard_normal((N_K, D_K))


@figure("q13/scaling", size=(6.4, 2.9))
def scaling(fig, t):
    """The same 3 queries and 5 keys (d_k = 256), softmax of the scaled and of the raw dot
    products: scaled, the weights spread over several keys; unscaled (score s.d. √d_k = 16),
    every row is practically one-hot, where the softmax's gradient vanishes."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    Q, K = scaling_example()
    cell, top = 34, 142
    ax.text(width / 2, 200, t["header"].format(d=D_K), ha="center", va="center", fontsize=12)
    for p, scaled in enumerate((True, False)):
        x0 = 40 + p * (N_K * cell + 56)
        w = attention_weights(Q, K, scaled)
        name = "scaled" if scaled else "unscaled"
        heatmap(ax, x0, top, w.tolist(), cell, scale=1.0, gid=f"fact-cell-{name}", text_gid=f"fact-w-{name}")
        mid = x0 + N_K * cell / 2
        ax.text(mid, top + 34, t[name], ha="center", va="center", fontweight="bold")
        sd = t["sd-scaled"] if scaled else t["sd-unscaled"].format(sd=math.sqrt(D_K))
        ax.text(mid, top - N_Q * cell - 14, sd, ha="center", va="center", fontsize=12, color=C.muted)
        for j in range(N_K):
            ax.text(x0 + (j + 0.5) * cell, top + 10, f"k{j + 1}", ha="center", va="center", fontsize=12)
        for i in range(N_Q):
            ax.text(x0 - 6, top - (i + 0.5) * cell, f"q{i + 1}", ha="right", va="center", fontsize=12)


# target attention over a behaviour sequence: toy 4-d embeddings (axes: basketball, soccer,
# cooking, cats); the two ball sports are partly similar, the other categories orthogonal
EMBEDDING = {
    "basketball": (2.0, 0.8, 0.0, 0.0),
    "soccer": (0.8, 2.0, 0.0, 0.0),
    "cooking": (0.0, 0.0, 2.0, 0.0),
    "cats": (0.0, 0.0, 0.0, 2.0),
}
SEQUENCE = ("basketball", "cooking", "basketball", "cats", "soccer")  # oldest first
CANDIDATE = "basketball"


def target_weights() -> np.ndarray:
    """Weights of the candidate (the query) over the behaviour sequence (keys): one row of
    softmax(q Kᵀ/√d)."""
    q = np.array([EMBEDDING[CANDIDATE]])
    keys = np.array([EMBEDDING[c] for c in SEQUENCE])
    return attention_weights(q, keys)[0]


@figure("q13/target-attention", size=(6.4, 3.8))
def target_attention(fig, t):
    """Target attention: the candidate video is the query, the user's behaviours are keys and
    values; behaviours of the candidate's category get the largest weights, a related category
    (soccer for a basketball video) a smaller one, unrelated ones almost none; the weighted sum
    is the user's interest vector for this candidate."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    alpha = target_weights()
    n = len(SEQUENCE)
    slot = (width - 20) / n
    xs = [10 + slot * (j + 0.5) for j in range(n)]
    box(ax, width / 2, 250, 200, 30, t["candidate"].format(c=t[CANDIDATE]), face=C.fill2, edge=C.accent2)
    ax.text(width / 2 + 108, 250, t["query"], ha="left", va="center", fontsize=12, color=C.accent2)
    ax.text(width / 2, 220, t["scores"], ha="center", va="center", fontsize=12, color=C.muted)
    base, tallest = 118, 70
    for j, (x, a) in enumerate(zip(xs, alpha, strict=True)):
        h = tallest * a / alpha.max()
        ax.bar(x, h, width=26, bottom=base, color=C.accent, gid="fact-bar")
        ax.text(x, base + h + 9, f"{a:.2f}", ha="center", va="center", fontsize=12, gid="fact-alpha")
        relevant = SEQUENCE[j] == CANDIDATE
        box(
            ax,
            x,
            base - 18,
            slot - 10,
            28,
            t[SEQUENCE[j]],
            face=C.fill if relevant else C.fill4,
            edge=C.accent if relevant else C.muted,
            size=12,
        )
    ax.text(width / 2, 64, t["sequence"], ha="center", va="center", fontsize=12, color=C.muted)
    node(ax, width / 2 - 130, 28, "Σ", r=10)
    ax.text(width / 2 - 114, 28, t["sum"], ha="left", va="center", fontsize=12)

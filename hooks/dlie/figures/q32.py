"""Figures of question 32 (two-tower retrieval: the architecture and its serving path, what the
logQ correction changes in the learned scores, recall against cost of an inverted-file index)."""

from __future__ import annotations

from functools import cache

import numpy as np

from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, node, polyline
from dlie.figures.style import C

LABELS = {
    "zh": {
        "user-in": "用户、历史",
        "item-in": "视频 ID、标签",
        "user-tower": "用户塔",
        "item-tower": "视频塔",
        "score": "u·v：训练时做 softmax",
        "offline": "离线：\n全部视频",
        "index": "ANN 索引",
        "online": "线上：用 u 查询",
        "top-k": "前 K 个视频\n→ 排序",
        "axis-x": "物品作为批内负样本的频率 Q(j)",
        "axis-y": "学到的分数 − log P(j|u)",
        "fixed": "有 logQ 校正（r = {r}）",
        "naive": "无校正（r = {r}）",
        "theory": "− log Q(j) + 常数",
        "scan": "扫描的语料比例",
        "recall": "召回率@{k}",
        "probe": "查 {p} 个簇：{r}",
        "ivf": "IVF：{n} 个向量，{c} 个簇",
    },
    "en": {
        "user-in": "user, history",
        "item-in": "video ID, tags",
        "user-tower": "user tower",
        "item-tower": "video tower",
        "score": "u·v: softmax in training",
        "offline": "offline:\nevery video",
        "index": "ANN index",
        "online": "online: query with u",
        "top-k": "top K videos\n→ ranking",
        "axis-x": "rate Q(j) at which item j is an in-batch negative",
        "axis-y": "learned score − log P(j|u)",
        "fixed": "with logQ correction (r = {r})",
        "naive": "no correction (r = {r})",
        "theory": "− log Q(j) + constant",
        "scan": "share of the corpus scanned",
        "recall": "recall@{k}",
        "probe": "probe {p}: {r}",
        "ivf": "IVF: {n} vectors, {c} clusters",
    },
}
KEEP = {"softmax", "logq", "ann", "ivf"}


@figure("q32/two-tower", size=(5.1, 3.6))
def two_tower(fig, t):
    """User features and video features go through separate towers to vectors u and v that meet
    only in the dot product u·v; offline, every video's v goes into an ANN index; online, u
    queries the index, which returns the top K videos for ranking."""
    ax = canvas(fig)
    xu, xv, xi = 64, 180, 306
    y_in, y_tower, y_vec, y_dot = 26, 82, 142, 196
    for x, key, tower, name, face, edge in (
        (xu, "user-in", "user-tower", "u", C.fill, C.accent),
        (xv, "item-in", "item-tower", "v", C.fill2, C.accent2),
    ):
        ax.text(x, y_in, t[key], ha="center", va="center", fontsize=12, color=C.muted)
        arrow(ax, (x, y_in + 10), (x, y_tower - 20))
        box(ax, x, y_tower, 100, 40, t[tower], face=C.fill4, edge=C.fg, size=13, gid="fact-tower")
        arrow(ax, (x, y_tower + 20), (x, y_vec - 11))
        box(ax, x, y_vec, 36, 22, name, face=face, edge=edge, fontstyle="italic", gid="fact-vector")
    xd = (xu + xv) / 2
    node(ax, xd, y_dot, "·", r=11, size=18, gid="fact-dot")
    arrow(ax, (xu + 10, y_vec + 11), (xd - 9, y_dot - 7))
    arrow(ax, (xv - 10, y_vec + 11), (xd + 9, y_dot - 7))
    ax.text(xd, y_dot + 22, t["score"], ha="center", va="center", fontsize=12)
    # serving: every v into the index offline; u queries it online
    arrow(ax, (xv + 18, y_vec), (xi - 47, y_vec), dashed=True, color=C.accent2)
    ax.text((xv + 18 + xi - 47) / 2, y_vec - 26, t["offline"], ha="center", va="center", fontsize=12, color=C.accent2)
    box(ax, xi, y_vec, 90, 40, t["index"], face=C.fill3, edge=C.accent3, gid="fact-index")
    polyline(ax, [(xu - 18, y_vec), (22, y_vec), (22, 244), (xi, 244), (xi, y_vec + 20)], color=C.accent)
    ax.text(xi - 60, 234, t["online"], ha="center", va="center", fontsize=12, color=C.accent)
    arrow(ax, (xi, y_vec - 20), (xi, y_tower - 4), color=C.accent3)
    ax.text(xi, y_tower - 24, t["top-k"], ha="center", va="center", fontsize=12, linespacing=1.3)


# ---- what the logQ correction changes: the page's experiment -----------------------------------
V, G, B, STEPS, LR = 40, 4, 64, 2000, 0.5


def setup() -> tuple[np.ndarray, np.ndarray]:
    """P[g, j] = P(item j | user group g) and Q[j], the rate at which item j is an in-batch negative."""
    rng = np.random.default_rng(0)
    pop = 1 / np.arange(1, V + 1)
    taste = np.exp(rng.normal(size=(G, V)))
    P = pop * taste / (pop * taste).sum(1, keepdims=True)
    return P, P.mean(0)


def center(s):
    return s - s.mean(-1, keepdims=True)


def train(correct: bool, seed: int = 1) -> np.ndarray:
    """In-batch softmax on free (group, item) scores, as the page's code does."""
    P, Q = setup()
    theta = np.zeros((G, V))
    r = np.random.default_rng(seed)
    eye = np.eye(B)
    for _ in range(STEPS):
        g = r.integers(G, size=B)
        pos = (r.random(B)[:, None] > P[g].cumsum(1)).sum(1).clip(max=V - 1)
        S = theta[g][:, pos]
        if correct:
            S = S - np.log(Q[pos])
        S = np.where((pos[None] == pos[:, None]) & ~eye.astype(bool), -np.inf, S)
        Pr = np.exp(S - S.max(1, keepdims=True))
        Pr /= Pr.sum(1, keepdims=True)
        np.add.at(theta, (g[:, None], pos[None]), -LR * (Pr - eye) / B)
    return center(theta)


@cache
def trained() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(target, with correction, without) as centred (group × item) scores."""
    P, _ = setup()
    return center(np.log(P)), train(True), train(False)


def corr(a, b) -> float:
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


@figure("q32/logq", size=(5.1, 3.4))
def logq(fig, t):
    """Per item, the learned score minus the true log-probability (averaged over user groups)
    against the rate Q at which the item is an in-batch negative: flat with the logQ correction,
    falling along −log Q without it, so popular items are under-scored."""
    target, fixed, naive = trained()
    _, Q = setup()
    order = np.argsort(Q)
    ax = fig.add_axes((0.15, 0.17, 0.82, 0.77))
    theory = -np.log(Q) - (-np.log(Q)).mean()
    ax.plot(Q[order], theory[order], color=C.muted, ls="--", lw=1.5, label=t["theory"])
    r_naive, r_fixed = f"{corr(naive, target):.2f}", f"{corr(fixed, target):.2f}"
    ax.plot(Q, (naive - target).mean(0), "o", color=C.accent2, ms=5, label=t["naive"].format(r=r_naive))
    ax.plot(Q, (fixed - target).mean(0), "s", color=C.accent, ms=5, label=t["fixed"].format(r=r_fixed))
    ax.axhline(0, color=C.grid, lw=1)
    ax.set_xscale("log")
    ax.set_xticks([0.003, 0.01, 0.03, 0.1], ["0.003", "0.01", "0.03", "0.1"])
    ax.set_xlabel(t["axis-x"])
    ax.set_ylabel(t["axis-y"])
    leg = ax.legend(loc="lower left")
    for text in leg.get_texts()[1:]:
        text.set_gid("fact-r")


# ---- serving: an inverted-file index (k-means clusters, probe the nearest few) ----------------
N_VEC, DIM, N_CLUSTERS, N_QUERIES, K = 4000, 16, 40, 100, 10
PROBES = (1, 2, 3, 5, 8, 12, 20, 40)
MARKED = (1, 3, 8)


@cache
def ivf_curve() -> tuple[tuple[float, float], ...]:
    """(share of the corpus scanned, recall@K) for each number of clusters probed, averaged over
    the queries; true neighbours by exact inner-product search."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(25, DIM)) * 2
    X = centres[rng.integers(25, size=N_VEC)] + rng.normal(size=(N_VEC, DIM))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    queries = X[rng.choice(N_VEC, N_QUERIES, replace=False)] + 0.3 * rng.normal(size=(N_QUERIES, DIM))
    C_ = X[rng.choice(N_VEC, N_CLUSTERS, replace=False)]
    for _ in range(10):  # k-means on the unit sphere (spherical k-means)
        assign = (X @ C_.T).argmax(1)
        for c in range(N_CLUSTERS):
            members = X[assign == c]
            if len(members):
                C_[c] = members.sum(0) / np.linalg.norm(members.sum(0))
    assign = (X @ C_.T).argmax(1)
    exact = np.argsort(-(queries @ X.T), axis=1)[:, :K]
    order = np.argsort(-(queries @ C_.T), axis=1)
    out = []
    for p in PROBES:
        recall, scanned = [], []
        for q in range(N_QUERIES):
            cand = np.flatnonzero(np.isin(assign, order[q, :p]))
            found = cand[np.argsort(-(X[cand] @ queries[q]))[:K]]
            recall.append(len(set(found) & set(exact[q])) / K)
            scanned.append(len(cand) / N_VEC)
        out.append((float(np.mean(scanned)), float(np.mean(recall))))
    return tuple(out)


@figure("q32/ivf", size=(5.1, 3.2))
def ivf(fig, t):
    """Recall@10 of an inverted-file index against the share of the corpus it scans, one point per
    number of clusters probed: a few clusters out of 40 already find most true neighbours."""
    curve = ivf_curve()
    ax = fig.add_axes((0.14, 0.17, 0.80, 0.72))
    x = [100 * s for s, _ in curve]
    y = [r for _, r in curve]
    ax.plot(x, y, "-o", color=C.accent, ms=5)
    for p, (s, r) in zip(PROBES, curve, strict=True):
        if p in MARKED:
            ax.annotate(
                t["probe"].format(p=p, r=f"{r:.2f}"),
                (100 * s, r),
                xytext=(14, -22),
                textcoords="offset points",
                fontsize=12,
                gid="fact-recall",
            )
    ax.set_xscale("log")
    ax.set_xticks([2, 5, 10, 20, 50, 100], ["2%", "5%", "10%", "20%", "50%", "100%"])
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(t["scan"])
    ax.set_ylabel(t["recall"].format(k=K))
    ax.set_title(t["ivf"].format(n=f"{N_VEC:,}", c=N_CLUSTERS), fontsize=12, color=C.muted)

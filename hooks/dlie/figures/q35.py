"""Figures of question 35 (losses for recommendation): BPR in bits as a smooth upper bound of the
0–1 loss that AUC counts, with the page's 1 − AUC and BPR / ln 2; and the page's sampled-softmax
experiment: scores learned with and without the log Q correction against the true log p(i|u)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dlie.figures import figure
from dlie.figures.diagram import canvas
from dlie.figures.style import C

FS = 13  # every text: 13 px at 5.6 in wide

LABELS = {
    "zh": {
        "margin": "间隔 d = s⁺ − s⁻",
        "loss": "损失",
        "step": "0–1 损失 1[d ≤ 0]（1 − AUC 所数）",
        "bpr": "BPR（比特）−log₂ σ(d)",
        "auc": "1 − AUC = {v}",
        "bound": "BPR / ln 2 = {v}",
        "true": "真实 log p(i|u)（中心化）",
        "learned": "学到的打分（中心化）",
        "fix": "减去 log Q：最大误差 {v}",
        "raw": "不修正：最大误差 {v}",
    },
    "en": {
        "margin": "margin d = s⁺ − s⁻",
        "loss": "loss",
        "step": "0–1 loss 1[d ≤ 0] (what 1 − AUC counts)",
        "bpr": "BPR in bits −log₂ σ(d)",
        "auc": "1 − AUC = {v}",
        "bound": "BPR / ln 2 = {v}",
        "true": "true log p(i|u), centered",
        "learned": "learned score, centered",
        "fix": "minus log Q: max error {v}",
        "raw": "uncorrected: max error {v}",
    },
}
KEEP = {"AUC", "BPR", "log", "ln", "Q", "p", "i", "u", "d", "σ", "s⁺", "s⁻"}


def sig(x):
    return 1 / (1 + np.exp(-x))


def bpr(a, b) -> float:
    """Mean BPR loss −ln σ(a − b) over all pairs of positive scores a and negative scores b."""
    return float(np.log1p(np.exp(b[None, :] - a[:, None])).mean())


def train(logp, Q, rng, correct, n=20, K=50, B=256, steps=600, lr=1.0) -> np.ndarray:
    """The page's sampled-softmax run: per-item scores trained on positives drawn from p(i|u) and
    K negatives from Q, with or without subtracting log Q from every logit; centered."""
    s = np.zeros(n)
    for _ in range(steps):
        cand = np.c_[rng.choice(n, B, p=np.exp(logp)), rng.choice(n, (B, K), p=Q)]
        z = s[cand] - (np.log(Q)[cand] if correct else 0)
        g = np.exp(z - z.max(1, keepdims=True))
        g /= g.sum(1, keepdims=True)
        g[:, 0] -= 1
        s -= lr * np.bincount(cand.ravel(), g.ravel(), n) / B
    return s - s.mean()


@lru_cache(maxsize=1)
def page_runs() -> dict:
    """Replays the page's code with its random draws in the same order."""
    rng = np.random.default_rng(0)
    rng.random(20_000)  # part 1: the clicks
    pos, neg = rng.normal(1.0, 1.0, 200), rng.normal(0.0, 1.0, 300)
    n = 20
    logp = rng.normal(0, 1, n)
    logp -= np.log(np.exp(logp).sum())
    Q = 1 / np.arange(1, n + 1)
    Q /= Q.sum()
    s_fix = train(logp, Q, rng, True)
    s_raw = train(logp, Q, rng, False)
    return {
        "pos": pos,
        "neg": neg,
        "auc": float((pos[:, None] > neg[None, :]).mean()),
        "bpr": bpr(pos, neg),
        "logp": logp,
        "Q": Q,
        "s_fix": s_fix,
        "s_raw": s_raw,
    }


@figure("q35/surrogate", size=(5.6, 3.4))
def surrogate(fig, t):
    """The 0–1 loss 1[d ≤ 0] and BPR in bits −log₂ σ(d) against the margin d; BPR is never below
    the step; the page's 1 − AUC and BPR / ln 2."""
    run = page_runs()
    ax = fig.add_axes((0.12, 0.17, 0.84, 0.58))
    d = np.linspace(-4, 4, 401)
    ax.plot(d, (d <= 0).astype(float), color=C.accent2, lw=2.5, drawstyle="steps-post", gid="fact-step")
    ax.plot(d, -np.log2(sig(d)), color=C.accent, lw=2, gid="fact-bpr")
    ax.plot([0], [1], "o", color=C.accent, ms=5)
    ax.set_xlim(-4, 4)
    ax.set_ylim(0, 4)
    ax.set_xticks([-4, -2, 0, 2, 4])
    ax.set_yticks([0, 1, 2, 3, 4])
    ax.set_xlabel(t["margin"], fontsize=FS, labelpad=2)
    ax.set_ylabel(t["loss"], fontsize=FS)
    ax.tick_params(labelsize=FS)
    ax.grid(True, lw=0.6)
    top = canvas(fig)
    h = fig.get_size_inches()[1] * 72
    top.plot([14, 34], [h - 16, h - 16], color=C.accent, lw=2)
    top.text(40, h - 16, t["bpr"], va="center", fontsize=FS)
    top.plot([14, 34], [h - 36, h - 36], color=C.accent2, lw=2.5)
    top.text(40, h - 36, t["step"], va="center", fontsize=FS)
    x = 0.62 * fig.get_size_inches()[0] * 72
    top.text(x, 0.64 * h, t["auc"].format(v=f"{1 - run['auc']:.2f}"), fontsize=FS, gid="fact-auc")
    top.text(x, 0.64 * h - 20, t["bound"].format(v=f"{run['bpr'] / np.log(2):.2f}"), fontsize=FS, gid="fact-bound")


def max_errors(run: dict) -> tuple[float, float]:
    """Largest gap of the corrected and uncorrected scores from the centered true log p(i|u)."""
    target = run["logp"] - run["logp"].mean()
    return float(np.abs(run["s_fix"] - target).max()), float(np.abs(run["s_raw"] - target).max())


@figure("q35/logq", size=(5.6, 4.0))
def logq(fig, t):
    """The 20 items of the page's run: learned score against the true centered log p(i|u), with
    and without the log Q correction, and the diagonal."""
    run = page_runs()
    target = run["logp"] - run["logp"].mean()
    fix_err, raw_err = max_errors(run)
    ax = fig.add_axes((0.14, 0.15, 0.82, 0.6))
    both = np.r_[target, run["s_fix"], run["s_raw"]]
    lo, hi = np.floor(both.min() - 0.3), np.ceil(both.max() + 0.3)
    ticks = np.arange(lo, hi + 1)
    ax.plot([lo, hi], [lo, hi], color=C.muted, lw=1, ls=(0, (4, 3)))
    ax.plot(target, run["s_raw"], "s", color=C.accent2, ms=6, gid="fact-raw")
    ax.plot(target, run["s_fix"], "o", color=C.accent, ms=6, gid="fact-fix")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel(t["true"], fontsize=FS, labelpad=2)
    ax.set_ylabel(t["learned"], fontsize=FS)
    ax.tick_params(labelsize=FS)
    ax.grid(True, lw=0.6)
    top = canvas(fig)
    h = fig.get_size_inches()[1] * 72
    top.plot([24], [h - 16], "o", color=C.accent, ms=6)
    top.text(36, h - 16, t["fix"].format(v=f"{fix_err:.2f}"), va="center", fontsize=FS, gid="fact-fix-err")
    top.plot([24], [h - 38], "s", color=C.accent2, ms=6)
    top.text(36, h - 38, t["raw"].format(v=f"{raw_err:.2f}"), va="center", fontsize=FS, gid="fact-raw-err")

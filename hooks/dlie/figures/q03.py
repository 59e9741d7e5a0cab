"""Figures of question 3 (improving a model): the diagnosis flow (which gap is large → which tools),
and learning curves from the page's own experiment (polynomial regression of sin(πx) with noise
σ = 0.3): error against training-set size for an underfitting and an overfitting model, and error
against gradient-descent steps for the overfitting one (the early-stopping point)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from dlie.figures import figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "start": "先排除错误：初始损失 ≈ ln C？能过拟合一个小批量？",
        "q1": "训练误差 ≫ 基准误差？",
        "q2": "验证误差 ≫ 训练误差？",
        "q3": "线上误差 ≫ 验证误差？",
        "yes": "是",
        "no": "否",
        "r1": ["高偏差（欠拟合）", "加大模型、训练更久", "调学习率、初始化、归一化", "减弱正则化"],
        "r2": ["高方差（过拟合）", "更多数据、数据增强", "权重衰减、Dropout", "早停"],
        "r3": ["分布偏移", "按时间切分验证集", "对齐训练与线上特征", "排查数据泄漏"],
        "end": "每次只改一处，多个随机种子比较，再从头诊断",
        "train": "训练误差",
        "val": "验证误差",
        "noise": "噪声 σ² = {v:g}",
        "n": "训练样本数 n（对数轴）",
        "mse": "均方误差",
        "under": "{d} 次多项式：高偏差",
        "over": "{d} 次多项式：高方差",
        "steps": "梯度下降步数（对数轴）",
        "stop": "早停点（第 {s} 步）",
        "gd": "{d} 次多项式，n = {n}",
    },
    "en": {
        "start": "rule out bugs: initial loss ≈ ln C? overfits one small batch?",
        "q1": "training error\n≫ baseline error?",
        "q2": "validation error\n≫ training error?",
        "q3": "online error\n≫ validation error?",
        "yes": "yes",
        "no": "no",
        "r1": [
            "high bias (underfitting)",
            "bigger model, train longer",
            "tune LR, init, normalization",
            "weaker regularization",
        ],
        "r2": ["high variance (overfitting)", "more data, augmentation", "weight decay, dropout", "early stopping"],
        "r3": ["distribution shift", "split validation by time", "align training and serving", "check for leakage"],
        "end": "change one thing, compare over several seeds, diagnose again",
        "train": "training error",
        "val": "validation error",
        "noise": "noise σ² = {v:g}",
        "n": "training examples n (log scale)",
        "mse": "mean squared error",
        "under": "degree {d}: high bias",
        "over": "degree {d}: high variance",
        "steps": "gradient-descent steps (log scale)",
        "stop": "early stop (step {s})",
        "gd": "degree {d}, n = {n}",
    },
}
KEEP = {"Dropout"}


# ---- the page's experiment ------------------------------------------------------------------
SIGMA = 0.3  # label noise: irreducible error σ² = 0.09
N_VAL, REPEATS = 5000, 50
UNDER, OVER, N_PAGE = 1, 15, 30  # the page's degrees and training-set size


def f(x):
    return np.sin(np.pi * x)


def data(n: int, rng: np.random.Generator):
    x = rng.uniform(-1, 1, n)
    return x, f(x) + SIGMA * rng.normal(size=n)


def features(x, deg: int):
    return np.polynomial.legendre.legvander(x, deg)


def fit_eval(deg: int, n: int, lam: float, rng: np.random.Generator):
    """The page's ``fit_eval``: ridge-regularized polynomial regression in the Legendre basis on n
    fresh points; returns (training MSE, validation MSE on 5000 fresh points)."""
    (xt, yt), (xv, yv) = data(n, rng), data(N_VAL, rng)
    a = features(xt, deg)
    w = np.linalg.solve(a.T @ a + lam * np.eye(deg + 1), a.T @ yt)
    return np.mean((a @ w - yt) ** 2), np.mean((features(xv, deg) @ w - yv) ** 2)


SIZES = (30, 50, 100, 200, 500, 1000, 3000)


@lru_cache(maxsize=1)
def size_curves() -> dict[int, np.ndarray]:
    """Median (train, validation) MSE over 50 repeats for each training-set size, per degree:
    shape (len(SIZES), 2), as the page's ``runs``."""
    rng = np.random.default_rng(0)
    return {
        deg: np.array([np.median([fit_eval(deg, n, 0.0, rng) for _ in range(REPEATS)], axis=0) for n in SIZES])
        for deg in (UNDER, OVER)
    }


STEP_MAX = 10_000
STEPS = np.unique(np.round(np.logspace(0, 4, 41)).astype(int))


@lru_cache(maxsize=1)
def step_curves() -> np.ndarray:
    """The page's overfitting model (degree 15, n = 30) trained by full-batch gradient descent on
    the mean squared error from w = 0 (step size 0.9 / largest eigenvalue of AᵀA/n): median train
    and validation MSE over 50 repeats after each step in STEPS, shape (2, len(STEPS))."""
    rng = np.random.default_rng(1)
    sets = [(data(N_PAGE, rng), data(2000, rng)) for _ in range(REPEATS)]
    a = np.stack([features(xt, OVER) for (xt, _), _ in sets])  # (R, n, d)
    y = np.stack([yt for (_, yt), _ in sets])
    v = np.stack([features(xv, OVER) for _, (xv, _) in sets])
    yv = np.stack([yv for _, (_, yv) in sets])
    gram = np.einsum("rni,rnj->rij", a, a) / N_PAGE
    lr = 0.9 / np.linalg.eigvalsh(gram)[:, -1]
    w = np.zeros((REPEATS, OVER + 1))
    out, keep = [], set(STEPS.tolist())
    for step in range(1, STEP_MAX + 1):
        resid = np.einsum("rnd,rd->rn", a, w) - y
        w = w - lr[:, None] * np.einsum("rnd,rn->rd", a, resid) / N_PAGE
        if step in keep:
            tr = np.mean((np.einsum("rnd,rd->rn", a, w) - y) ** 2, axis=1)
            va = np.mean((np.einsum("rnd,rd->rn", v, w) - yv) ** 2, axis=1)
            out.append((np.median(tr), np.median(va)))
    return np.array(out).T


# ---- figures --------------------------------------------------------------------------------
def _box(ax, x, y, w, h, lines, face, edge, bold_first=False, size=12):
    ax.add_patch(
        FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=6", facecolor=face, edgecolor=edge, lw=1.3)
    )
    if isinstance(lines, str):
        lines = [lines]
    step = 17
    top = y + h / 2 + (len(lines) - 1) * step / 2
    for i, line in enumerate(lines):
        ax.text(
            x + w / 2,
            top - i * step,
            line,
            ha="center",
            va="center",
            fontsize=size,
            fontweight="bold" if bold_first and i == 0 else "normal",
            linespacing=1.25,
        )


def _arrow(ax, a, b, label=None, side="above"):
    ax.annotate("", xy=b, xytext=a, arrowprops={"arrowstyle": "->", "color": C.muted, "lw": 1.4})
    if label:
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        if side == "above":
            ax.text(mx, my + 4, label, ha="center", va="bottom", color=C.muted, fontsize=12)
        else:
            ax.text(mx + 6, my, label, ha="left", va="center", color=C.muted, fontsize=12)


@figure("q03/diagnosis", size=(6.4, 5.0))
def diagnosis(fig, t):
    """Rule out bugs, then compare the three gaps in order; each large gap points to its own tools."""
    ax = fig.add_axes((0, 0, 1, 1))
    width, height = 460, 360
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    _box(ax, 10, 318, 440, 32, t["start"], C.fill4, C.grid)
    qx, qw, rx, rw, rh = 10, 170, 240, 210, 78
    rows = (
        (t["q1"], t["r1"], C.fill, C.accent),
        (t["q2"], t["r2"], C.fill2, C.accent2),
        (t["q3"], t["r3"], C.fill3, C.accent3),
    )
    _arrow(ax, (qx + qw / 2, 318), (qx + qw / 2, 296))
    for n, (question, remedies, face, edge) in enumerate(rows):
        top = 296 - n * 92
        qh = 44
        qy = top - rh / 2 - qh / 2
        _box(ax, qx, qy, qw, qh, question.split("\n"), C.fill4, C.fg)
        _box(ax, rx, top - rh, rw, rh, remedies, face, edge, bold_first=True)
        _arrow(ax, (qx + qw, qy + qh / 2), (rx, qy + qh / 2), t["yes"])
        below = 296 - (n + 1) * 92 - rh / 2 + 22 if n < 2 else 26
        _arrow(ax, (qx + qw / 2, qy), (qx + qw / 2, below), t["no"], side="right")
    ax.text(width / 2, 12, t["end"], ha="center", va="center", color=C.muted, fontsize=12)


def _log_axis(axis, ticks):
    """A log axis with plain tick labels (0.1, 30, 1000), not mathtext powers."""
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_locator(NullLocator())


def _noise(ax, t):
    ax.axhline(SIGMA**2, color=C.muted, lw=1.2, ls=(0, (4, 3)), label=t["noise"].format(v=round(SIGMA**2, 6)))


@figure("q03/size-curves", size=(6.4, 3.4))
def size_curves_figure(fig, t):
    """Median train and validation MSE against training-set size (50 repeats each): degree 1 sits
    on a high plateau that more data does not lower; degree 15 has a large gap that more data closes."""
    curves = size_curves()
    axes = fig.add_axes((0.13, 0.34, 0.34, 0.56)), fig.add_axes((0.62, 0.34, 0.34, 0.56))
    for ax, deg, key in zip(axes, (UNDER, OVER), ("under", "over"), strict=True):
        tr, va = curves[deg].T
        ax.plot(SIZES, tr, marker="o", ms=4, clip_on=False, color=C.accent, label=t["train"], gid=f"fact-train-{deg}")
        ax.plot(SIZES, va, marker="s", ms=4, clip_on=False, color=C.accent2, label=t["val"], gid=f"fact-val-{deg}")
        _noise(ax, t)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(0.02, 10)
        ax.set_xlim(25, 3600)
        _log_axis(ax.xaxis, [30, 300, 3000])
        _log_axis(ax.yaxis, [0.03, 0.1, 0.3, 1, 3, 10])
        ax.set_title(t[key].format(d=deg), pad=6)
        ax.grid(True, which="major", lw=0.6)
    axes[0].set_ylabel(t["mse"])
    fig.text(0.545, 0.16, t["n"], ha="center", va="center")
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="lower center",
        bbox_to_anchor=(0.545, 0.0),
        ncols=3,
        columnspacing=1.6,
        handlelength=1.8,
    )


@figure("q03/step-curves", size=(6.4, 3.0))
def step_curves_figure(fig, t):
    """Degree 15 on n = 30 points trained by gradient descent: training error keeps falling while
    validation error falls, bottoms out and then rises; its minimum is the early-stopping point."""
    tr, va = step_curves()
    best = int(STEPS[np.argmin(va)])
    ax = fig.add_axes((0.13, 0.2, 0.52, 0.7))
    ax.plot(STEPS, tr, color=C.accent, label=t["train"])
    ax.plot(STEPS, va, color=C.accent2, label=t["val"])
    ax.axvline(best, color=C.accent3, lw=1.5, ls=(0, (2, 2)), gid="fact-stop")
    ax.plot([best], [va.min()], marker="o", ms=7, color=C.accent3)
    _noise(ax, t)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1, STEP_MAX)
    ax.set_ylim(0.02, 1)
    _log_axis(ax.xaxis, [1, 10, 100, 1000, 10000])
    _log_axis(ax.yaxis, [0.03, 0.1, 0.3, 1])
    ax.set_xlabel(t["steps"])
    ax.set_ylabel(t["mse"])
    ax.set_title(t["gd"].format(d=OVER, n=N_PAGE), pad=6)
    ax.grid(True, which="major", lw=0.6)
    ax.plot([], [], color=C.accent3, lw=1.5, ls=(0, (2, 2)), marker="o", ms=7, label=t["stop"].format(s=best))
    ax.legend(loc="center left", bbox_to_anchor=(1.03, 0.5), borderaxespad=0, handlelength=1.8, labelspacing=1.0)

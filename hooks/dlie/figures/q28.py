"""Figures of question 28 (regularization: L1 vs L2 geometry, Adam + L2 vs AdamW, inverted
dropout)."""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Polygon
from matplotlib.path import Path
from matplotlib.transforms import IdentityTransform

from dlie.figures import cells, figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "l1": "L1：|w₁| + |w₂| ≤ 1",
        "l2": "L2：w₁² + w₂² ≤ 1",
        "sol": "解 {w}",
        "sol-l1": "落在角点：w₁ = 0",
        "sol-l2": "两个分量都非零",
        "contour": "w*：无约束最优；实线：过解的损失等值线",
        "adam-l2": "Adam + L2",
        "adamw": "AdamW",
        "big": "参数 0（梯度大）",
        "small": "参数 1（梯度小）",
        "decay": "(1 − ηλ)ᵗ",
        "step": "步数 t",
        "w": "曲线：{r} 次重复的均值",
        "p": "训练：p = {p}，保留的单元乘以 1/(1 − p) ≈ {s}",
        "h": "激活 h",
        "mask": "掩码 m",
        "scaled": "m ⊙ h/(1 − p)",
        "zeroed": "全部 {wan} 万个单元中置零 {f}%",
        "means": "均值：h 为 {a}，训练输出为 {b}",
        "infer": "推理时直接用 h，不做缩放",
    },
    "en": {
        "l1": "L1: |w₁| + |w₂| ≤ 1",
        "l2": "L2: w₁² + w₂² ≤ 1",
        "sol": "solution {w}",
        "sol-l1": "at a corner: w₁ = 0",
        "sol-l2": "both weights non-zero",
        "contour": "w*: unconstrained optimum; solid: loss contour at the solution",
        "adam-l2": "Adam + L2",
        "adamw": "AdamW",
        "big": "parameter 0 (large gradients)",
        "small": "parameter 1 (small gradients)",
        "decay": "(1 − ηλ)ᵗ",
        "step": "step t",
        "w": "curves: mean of {r} runs",
        "p": "training: p = {p}, kept units × 1/(1 − p) ≈ {s}",
        "h": "activation h",
        "mask": "mask m",
        "scaled": "m ⊙ h/(1 − p)",
        "zeroed": "{f}% of all {n} units zeroed",
        "means": "mean: h {a}, training output {b}",
        "infer": "inference uses h as is, no rescaling",
    },
}
KEEP = {"Adam", "AdamW"}

SIZE = 13


def num(v: float, digits: int = 2) -> str:
    s = f"{v:.{digits}f}"
    if s.startswith("-") and not s.strip("-0."):
        s = s[1:]
    return s.replace("-", "−")


# ---- L1 vs L2: the constrained form -------------------------------------------------------------------
W_STAR = np.array([1.0, 1.8])  # unconstrained optimum of the data loss
HESS = np.array([[1.0, -0.3], [-0.3, 1.5]])  # J(w) = (w − w*)ᵀ H (w − w*)
RADIUS = 1.0


def loss(w) -> float:
    d = np.asarray(w, dtype=float) - W_STAR
    return float(d @ HESS @ d)


def l1_solution(t: float = RADIUS) -> np.ndarray:
    """argmin J(w) subject to |w₁| + |w₂| ≤ t (w* lies outside): the best point of the diamond's
    four edges, each a 1-D quadratic minimised in closed form and clipped to its segment."""
    corners = [np.array(c, dtype=float) * t for c in ((1, 0), (0, 1), (-1, 0), (0, -1))]
    best = None
    for p, q in zip(corners, corners[1:] + corners[:1], strict=True):
        d = q - p
        s = float(np.clip(d @ HESS @ (W_STAR - p) / (d @ HESS @ d), 0.0, 1.0))
        w = p + s * d
        if best is None or loss(w) < loss(best):
            best = w
    return best


def l2_solution(t: float = RADIUS) -> np.ndarray:
    """argmin J(w) subject to ‖w‖₂ ≤ t (w* outside): (H + μI)w = Hw* with μ ≥ 0 found by
    bisection so that ‖w‖₂ = t."""
    lo, hi = 0.0, 1e6
    for _ in range(200):
        mu = (lo + hi) / 2
        w = np.linalg.solve(HESS + mu * np.eye(2), HESS @ W_STAR)
        lo, hi = (mu, hi) if np.linalg.norm(w) > t else (lo, mu)
    return np.linalg.solve(HESS + (lo + hi) / 2 * np.eye(2), HESS @ W_STAR)


def contour(level: float, n: int = 73) -> np.ndarray:
    """Points of the ellipse J(w) = level: w* + √level · L⁻ᵀ(cos φ, sin φ), H = L Lᵀ."""
    phi = np.linspace(0, 2 * np.pi, n)
    chol = np.linalg.cholesky(HESS)
    return W_STAR + np.sqrt(level) * np.linalg.solve(chol.T, np.vstack([np.cos(phi), np.sin(phi)])).T


@figure("q28/l1-l2", size=(5.6, 4.25))
def l1_l2(fig, t):
    """The same quadratic loss under an L1 and an L2 constraint of radius 1: its contours first
    touch the L1 diamond at the corner (0, 1), so w₁ = 0 exactly; they touch the L2 circle at a
    point where both weights are non-zero."""
    lim = (-1.15, 2.3), (-1.1, 2.9)
    scale = 180 / (lim[0][1] - lim[0][0])  # px per unit, the same on both axes
    for p, name in enumerate(("l1", "l2")):
        x0 = 14 + p * 200
        ax = panel(fig, x0, 68, 180, scale * (lim[1][1] - lim[1][0]))
        ax.set_xlim(*lim[0])
        ax.set_ylim(*lim[1])
        ax.axis("off")
        ax.plot(lim[0], (0, 0), color=C.muted, lw=0.8)
        ax.plot((0, 0), lim[1], color=C.muted, lw=0.8)
        ax.text(lim[0][1], -0.12, "w₁", ha="right", va="top", fontsize=SIZE, color=C.muted)
        ax.text(-0.1, lim[1][1], "w₂", ha="right", va="top", fontsize=SIZE, color=C.muted)
        if name == "l1":
            ball = Polygon([(1, 0), (0, 1), (-1, 0), (0, -1)], closed=True)
            sol = l1_solution()
        else:
            phi = np.linspace(0, 2 * np.pi, 73)
            ball = Polygon(np.c_[np.cos(phi), np.sin(phi)], closed=True)
            sol = l2_solution()
        ball.set(facecolor=C.fill, edgecolor=C.accent, lw=2)
        ax.add_patch(ball)
        level = loss(sol)
        for k, frac in enumerate((0.2, 0.55, 1.0)):
            e = contour(level * frac)
            ax.plot(e[:, 0], e[:, 1], color=C.accent2, lw=2 if k == 2 else 1, ls="-" if k == 2 else (0, (3, 3)))
        ax.plot(*W_STAR, marker="o", ms=5, color=C.accent2, ls="none")
        ax.text(W_STAR[0] + 0.12, W_STAR[1], "w*", ha="left", va="center", fontsize=SIZE, color=C.accent2)
        ax.plot(*sol, marker="o", ms=7, color=C.fg, ls="none")
        cx = x0 + 90
        fig.text(
            cx,
            68 + scale * (lim[1][1] - lim[1][0]) + 12,
            t[name],
            ha="center",
            va="center",
            fontsize=SIZE,
            fontweight="bold",
            transform=None,
        )
        coords = f"({num(sol[0])}, {num(sol[1])})"
        fig.text(
            cx,
            54,
            t["sol"].format(w=coords),
            ha="center",
            va="center",
            fontsize=SIZE,
            transform=None,
            gid=f"fact-sol-{name}",
        )
        fig.text(cx, 36, t[f"sol-{name}"], ha="center", va="center", fontsize=SIZE, color=C.accent, transform=None)
    fig.text(201.6, 12, t["contour"], ha="center", va="center", fontsize=SIZE, color=C.muted, transform=None)


def panel(fig, x, y, w, h):
    """An axes at (x, y, w, h) in CSS px of the figure (y from the bottom)."""
    width, height = (v * 72 for v in fig.get_size_inches())
    return fig.add_axes((x / width, y / height, w / width, h / height))


# ---- the page's code, parts 1 and 3: Adam + L2 vs AdamW, inverted dropout ------------------------
LR, LAM, T, R = 1e-3, 0.1, 3000, 2000  # the page's adam() defaults
GRAD_SCALE = np.array([10.0, 0.01])  # parameter 0: large data gradients, parameter 1: small
N_UNITS, P_DROP = 100_000, 0.3


def adam_run(rng: np.random.Generator, decoupled: bool, b1=0.9, b2=0.999, eps=1e-8) -> np.ndarray:
    """The page's ``adam`` with the same draws from ``rng``, keeping the mean of w over the R runs
    after every step: shape (T + 1, 2), row 0 the start (1, 1); the last row is what the page's
    ``adam`` returns."""
    w, m, v = np.ones((R, 2)), np.zeros((R, 2)), np.zeros((R, 2))
    out = [w.mean(0)]
    for step in range(1, T + 1):
        g = rng.normal(size=(R, 2)) * GRAD_SCALE
        if not decoupled:
            g = g + LAM * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - LR * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + eps)
        if decoupled:
            w = w - LR * LAM * w
        out.append(w.mean(0))
    return np.array(out)


@cache
def page_runs() -> dict[str, np.ndarray]:
    """The page's random stream in its order (seed 0): Adam + L2, AdamW, then part 2's data
    (X 200×20, noise 200), then part 3's activations h (100,000 units, mean 1) and dropout mask."""
    rng = np.random.default_rng(0)
    l2, adamw = adam_run(rng, False), adam_run(rng, True)
    rng.normal(size=(200, 20)), rng.normal(size=200)  # part 2's X and noise
    h = rng.normal(size=N_UNITS) + 1.0
    keep = rng.random(h.shape) > P_DROP
    return {"l2": l2, "adamw": adamw, "h": h, "keep": keep, "h_drop": h * keep / (1 - P_DROP)}


@figure("q28/adamw", size=(5.6, 3.4))
def adamw(fig, t):
    """Mean of each parameter over the page's 2000 runs during 3000 steps: with Adam + L2 the
    large-gradient parameter hardly decays and the small-gradient one is driven to 0; with AdamW
    both follow (1 − ηλ)ᵗ to 0.74."""
    runs = page_runs()
    steps = np.arange(T + 1)
    every = slice(0, T + 1, 30)  # 101 points per curve
    reference = (1 - LR * LAM) ** steps
    for p, name in enumerate(("adam-l2", "adamw")):
        ax = panel(fig, 46 + p * 194, 92, 124, 120)
        w = runs["l2" if name == "adam-l2" else "adamw"]
        ax.plot(steps[every], reference[every], color=C.muted, lw=5, alpha=0.35, zorder=1)
        for k, colour in enumerate((C.accent, C.accent2)):
            ax.plot(steps[every], w[every, k], color=colour, lw=2, gid=f"fact-{name}-{k}")
            end = w[-1, k]
            dy = 0 if name == "adam-l2" else (8 if k == 0 else -8)  # AdamW's two ends coincide
            ax.annotate(
                num(end),
                (T, end),
                xytext=(4, dy),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=SIZE,
                color=colour,
                gid=f"fact-end-{name}-{k}",
            )
        ax.set_xlim(0, T)
        ax.set_ylim(-0.05, 1.08)
        ax.set_xticks((0, 1000, 2000, 3000), ("0", "", "", "3000"))
        ax.set_yticks((0, 0.5, 1), ("0", "0.5", "1") if p == 0 else ("", "", ""))
        ax.tick_params(labelsize=SIZE, length=3, pad=2)
        ax.set_title(t[name], fontsize=SIZE, fontweight="bold", pad=6)
        ax.set_xlabel(t["step"], fontsize=SIZE, labelpad=-4)
    fig.text(8, 152, "w", ha="left", va="center", fontsize=SIZE, transform=None)
    key = [(C.accent, t["big"]), (C.accent2, t["small"]), (C.muted, t["decay"]), (None, t["w"].format(r=R))]
    for k, (colour, label) in enumerate(key):
        x, y = (16 if k < 2 else 246), 42 - (k % 2) * 22
        if colour is not None:
            line = Line2D([x, x + 18], [y, y], color=colour, lw=2 if k < 2 else 5, alpha=1 if k < 2 else 0.35)
            line.set_transform(IdentityTransform())
            fig.add_artist(line)
        fig.text(
            x + (24 if colour else 0),
            y,
            label,
            ha="left",
            va="center",
            fontsize=SIZE,
            transform=None,
            color=C.fg if colour else C.muted,
        )


SHOWN = 8  # the first units of the page's h


@figure("q28/dropout", size=(5.6, 2.75))
def dropout(fig, t):
    """Inverted dropout on the first 8 units of the page's h (p = 0.3): the mask zeroes some
    units and the kept ones are divided by 1 − p; over all 100,000 units 30 % are zeroed and the
    mean is unchanged (1.006 vs 1.009); inference uses h as is."""
    runs = page_runs()
    height = 2.75 * 72
    ax = cells.canvas(fig, 403.2, height)
    h, keep, out = runs["h"][:SHOWN], runs["keep"][:SHOWN], runs["h_drop"][:SHOWN]
    cw, ch, x0 = 37, 24, 104
    ax.text(
        201.6,
        height - 12,
        t["p"].format(p=P_DROP, s=num(1 / (1 - P_DROP))),
        ha="center",
        va="center",
        fontsize=SIZE,
        fontweight="bold",
    )
    rows = (
        ("h", h, np.ones(SHOWN, bool), C.fill4, lambda v: num(v)),
        ("mask", keep.astype(float), keep, C.fill3, lambda v: f"{v:.0f}"),
        ("scaled", out, keep, C.fill3, lambda v: num(v) if v else "0"),
    )
    for r, (name, values, filled, face, fmt) in enumerate(rows):
        top = height - 30 - r * (ch + 8)
        boxes = [(x0 + j * cw, top - ch, cw, ch) for j in range(SHOWN) if filled[j]]
        cells.fill_cells(ax, boxes, face)
        grid_row(ax, x0, top, SHOWN, cw, ch)
        ax.text(x0 - 8, top - ch / 2, t[name], ha="right", va="center", fontsize=SIZE)
        for j, v in enumerate(values):
            ax.text(
                x0 + (j + 0.5) * cw,
                top - ch / 2,
                fmt(v),
                ha="center",
                va="center",
                fontsize=SIZE,
                color=C.fg if filled[j] else C.muted,
                gid=f"fact-{name}",
            )
    zeroed = float(np.mean(runs["h_drop"] == 0))
    y = height - 30 - 3 * (ch + 8) - 6
    ax.text(
        201.6,
        y,
        t["zeroed"].format(n=f"{N_UNITS:,}", wan=N_UNITS // 10_000, f=f"{100 * zeroed:.1f}"),
        ha="center",
        va="center",
        fontsize=SIZE,
        gid="fact-zeroed",
    )
    ax.text(
        201.6,
        y - 20,
        t["means"].format(a=num(runs["h"].mean(), 3), b=num(runs["h_drop"].mean(), 3)),
        ha="center",
        va="center",
        fontsize=SIZE,
        gid="fact-means",
    )
    ax.text(201.6, y - 40, t["infer"], ha="center", va="center", fontsize=SIZE, color=C.accent)


def grid_row(ax, x0, top, n, cw, ch, colour=C.grid):
    """The borders of one row of n cells (cw × ch) as one path."""
    verts, codes = [(x0, top), (x0 + n * cw, top), (x0, top - ch), (x0 + n * cw, top - ch)], [1, 2, 1, 2]
    for j in range(n + 1):
        verts += [(x0 + j * cw, top), (x0 + j * cw, top - ch)]
        codes += [1, 2]
    ax.add_patch(PathPatch(Path(verts, codes), fill=False, edgecolor=colour, lw=0.8))

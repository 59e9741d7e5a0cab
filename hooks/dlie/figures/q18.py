"""Figures of question 18 (learning-rate decay): the common schedules over the page's 3000 steps
with their values at marked steps, and the page's noisy-quadratic experiment: a constant
learning rate stalls on the noise floor, step and cosine decay go far below it."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from dlie import nn
from dlie.figures import figure
from dlie.figures.diagram import canvas
from dlie.figures.style import C

FS = 13  # every text of these figures: 13 px at 5.6 in, so nothing is below 11 px on a phone

LABELS = {
    "zh": {
        "step": "阶梯衰减",
        "exp": "指数衰减",
        "cosine": "余弦退火",
        "warmup-cosine": "预热 + 余弦",
        "const": "恒定学习率",
        "page-step": "阶梯衰减（含预热）",
        "page-cosine": "余弦退火（含预热）",
        "lr": "学习率 η",
        "t": "步数 t",
        "zoom": "前 {n} 步",
        "at": "t = {t}",
        "loss": "{r} 次运行的平均损失",
        "floor": "噪声底 {v}",
        "final": "{name}：{v}",
        "finals": "第 {t} 步的损失",
        "drop": "÷10",
    },
    "en": {
        "step": "step",
        "exp": "exponential",
        "cosine": "cosine",
        "warmup-cosine": "warmup + cosine",
        "const": "constant",
        "page-step": "step (with warmup)",
        "page-cosine": "cosine (with warmup)",
        "lr": "learning rate η",
        "t": "step t",
        "zoom": "first {n} steps",
        "at": "t = {t}",
        "loss": "mean loss of {r} runs",
        "floor": "noise floor {v}",
        "final": "{name}: {v}",
        "finals": "loss at step {t}",
        "drop": "÷10",
    },
}
KEEP: set[str] = set()

# ---- the page's parameters: 3000 steps, peak 0.1, 100 warmup steps, step factor 0.1 at thirds ------
T, LR0, WARM, GAMMA = 3000, 0.1, 100, 0.1
EXP_GAMMA = 0.01 ** (1 / T)  # exponential decay that ends where step decay ends: η_T = η₀/100
MARKED = (500, 1500, 2500)  # the middle of each step-decay stage
ZOOM = 300
SCHEDULES = ("step", "exp", "cosine", "warmup-cosine")
COLOURS = {"step": C.accent, "exp": C.accent4, "cosine": C.accent3, "warmup-cosine": C.accent2}


def lr(kind: str, t) -> np.ndarray:
    """The schedules of the page's formulas with its T, η₀ and γ: step decay every T/3 steps,
    exponential decay with η_T = η₀/100, cosine annealing, and the page's code's warmup + cosine."""
    if kind == "step":
        return nn.step_lr(t, LR0, T / 3, GAMMA)
    if kind == "exp":
        return nn.exp_lr(t, LR0, EXP_GAMMA)
    if kind == "cosine":
        return nn.cosine_lr(t, LR0, T)
    if kind == "warmup-cosine":
        return nn.warmup_cosine_lr(t, LR0, WARM, T)
    raise ValueError(kind)


def value(v: float) -> str:
    """A learning rate as the figure prints it: 3 significant digits."""
    return f"{float(v):.3g}"


@figure("q18/schedules", size=(5.6, 4.7))
def schedules(fig, t):
    """Step (÷10 at steps 1000 and 2000), exponential (to 0.001 at step 3000), cosine and warmup +
    cosine (100 warmup steps) from η₀ = 0.1 over 3000 steps; the zoom shows the warmup; the table
    gives each schedule's value at steps 500, 1500 and 2500."""
    steps = np.arange(T)
    main = fig.add_axes((0.14, 0.5, 0.54, 0.44))
    zoom = fig.add_axes((0.77, 0.5, 0.2, 0.44))
    for kind in SCHEDULES:
        eta = lr(kind, steps)
        main.plot(steps, eta, color=COLOURS[kind], lw=2, gid=f"fact-curve-{kind}")
        zoom.plot(steps[: ZOOM + 1], eta[: ZOOM + 1], color=COLOURS[kind], lw=2)
    for s in MARKED:
        main.axvline(s, color=C.muted, lw=1, ls=(0, (2, 3)))
    main.set_xlim(0, T)
    main.set_xticks([0, 1000, 2000, 3000])
    main.set_xlabel(t["t"], fontsize=FS, labelpad=2)
    main.set_ylabel(t["lr"], fontsize=FS)
    zoom.set_xlim(0, ZOOM)
    zoom.set_xticks([0, WARM, ZOOM])
    zoom.set_title(t["zoom"].format(n=ZOOM), fontsize=FS, pad=6)
    zoom.set_yticklabels([])
    for ax in (main, zoom):
        ax.set_ylim(0, LR0 * 1.05)
        ax.set_yticks([0, 0.05, 0.1])
        ax.tick_params(labelsize=FS)
        ax.grid(True, lw=0.6)
    main.set_yticklabels(["0", "0.05", "0.1"])
    # the table: each schedule's value at the marked steps
    ax = canvas(fig)
    x_name, x_cols, row_h, top = 20, (196, 276, 356), 20, 110
    for j, s in enumerate(MARKED):
        ax.text(x_cols[j], top, t["at"].format(t=s), ha="center", va="center", fontsize=FS, color=C.muted)
    for i, kind in enumerate(SCHEDULES):
        y = top - (i + 1) * row_h
        ax.plot([x_name, x_name + 18], [y, y], color=COLOURS[kind], lw=2.5)
        ax.text(x_name + 24, y, t[kind], ha="left", va="center", fontsize=FS)
        for j, s in enumerate(MARKED):
            ax.text(
                x_cols[j],
                y,
                value(lr(kind, s)),
                ha="center",
                va="center",
                fontsize=FS,
                color=COLOURS[kind],
                gid=f"fact-lr-{kind}",
            )


# ---- the page's code: SGD on f(w) = h w²/2 with gradient noise, 4000 runs, seed 0 --------------------
R, H, SIGMA, W0, SEED = 4000, 1.0, 1.0, 5.0, 0
RUNS = ("const", "step", "cosine")
EVERY = 20  # steps between the points drawn
RUN_COLOURS = {"const": C.accent2, "step": C.accent, "cosine": C.accent3}


def page_schedule(kind: str, t):
    """The page's ``schedule``: constant η₀, or 100 warmup steps then step decay (÷10 at a third
    and two thirds of the remaining steps) or cosine to 0."""
    if kind == "const":
        return np.full(np.shape(t), LR0)
    if kind == "step":
        return nn.step_lr(t, LR0, (T - WARM) / 3, GAMMA, warmup=WARM)
    if kind == "cosine":
        return nn.warmup_cosine_lr(t, LR0, WARM, T)
    raise ValueError(kind)


def noise_floor(eta: float = LR0, h: float = H, sigma: float = SIGMA) -> float:
    """The stationary loss at a constant learning rate: ησ²/(2(2 − ηh))."""
    return eta * sigma**2 / (2 * (2 - eta * h))


@lru_cache(maxsize=1)
def page_runs() -> dict[str, np.ndarray]:
    """The page's ``final_loss`` for each schedule in its order, on one random stream: the mean
    loss over the 4000 runs at step 0 and after every EVERY-th step (the last entry: the final
    loss the page asserts on)."""
    rng = np.random.default_rng(SEED)
    out = {}
    for kind in RUNS:
        eta = page_schedule(kind, np.arange(T))
        w = np.full(R, W0)
        track = [np.mean(0.5 * H * w**2)]
        for step in range(T):
            g = H * w + SIGMA * rng.normal(size=R)
            w -= eta[step] * g
            if (step + 1) % EVERY == 0:
                track.append(np.mean(0.5 * H * w**2))
        out[kind] = np.array(track)
    return out


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power(e: int) -> str:
    return "1" if e == 0 else "10" + str(e).translate(SUPERSCRIPT)


def loss_text(v: float) -> str:
    return f"{float(v):.2g}"


@figure("q18/noise-floor", size=(5.6, 3.6))
def noise_floor_figure(fig, t):
    """Mean loss of the page's 4000 SGD runs on a noisy quadratic: with a constant η = 0.1 it
    stalls at 0.027, on the noise floor ησ²/(2(2 − ηh)) = 0.026; step decay drops a notch at each
    ÷10 and ends at 0.00057, cosine at 0.00093."""
    runs = page_runs()
    steps = np.arange(0, T + 1, EVERY)
    ax = fig.add_axes((0.14, 0.15, 0.82, 0.8))
    floor = noise_floor()
    ax.axhline(floor, color=C.fg, lw=1.2, ls=(0, (4, 3)))
    label = t["floor"].format(v=loss_text(floor))
    ax.text(T - 20, floor * 1.5, label, ha="right", va="bottom", fontsize=FS, gid="fact-floor")
    for kind in RUNS:
        ax.plot(steps, runs[kind], color=RUN_COLOURS[kind], lw=2, gid=f"fact-curve-{kind}")
    eta = page_schedule("step", np.arange(T))
    drops = np.nonzero(np.diff(eta) < 0)[0] + 1  # where the page's step schedule divides by 10
    for n, s in enumerate(drops):
        if n == 0:  # above the plateau it leaves (the key is below)
            xy, ha = (s - 30, runs["step"][int(s) // EVERY] * 1.9), "right"
        else:  # below the plateau it reaches (the cosine run passes above)
            xy, ha = (s + 60, runs["step"][min(int(s) // EVERY + 10, len(steps) - 1)] / 2.4), "left"
        ax.text(*xy, t["drop"], ha=ha, va="center", fontsize=FS, color=C.accent, gid="fact-drop")
    ax.set_yscale("log")
    ax.set_xlim(0, T)
    ax.set_ylim(1e-5, 30)
    ax.yaxis.set_major_locator(FixedLocator([10.0**e for e in range(-5, 2)]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: power(round(np.log10(v)))))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xticks([0, 1000, 2000, 3000])
    ax.tick_params(labelsize=FS)
    ax.set_xlabel(t["t"], fontsize=FS, labelpad=2)
    ax.set_ylabel(t["loss"].format(r=R), fontsize=FS)
    ax.grid(axis="y", lw=0.6)
    # key with each run's final loss, in the empty lower left
    ax.text(60, 10**-3.3, t["finals"].format(t=T), ha="left", va="center", fontsize=FS, color=C.muted)
    for i, kind in enumerate(RUNS):
        name = t["const"] if kind == "const" else t[f"page-{kind}"]
        y = 10 ** (-3.75 - 0.48 * i)
        ax.plot([60, 200], [y, y], color=RUN_COLOURS[kind], lw=2.5)
        ax.text(
            250,
            y,
            t["final"].format(name=name, v=loss_text(runs[kind][-1])),
            ha="left",
            va="center",
            fontsize=FS,
            gid=f"fact-final-{kind}",
        )

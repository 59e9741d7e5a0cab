"""Figures of question 17 (batch normalization): one channel of the page's last training batch
before BN, after BN in training mode and in inference mode; the batch statistics against the
running averages over the page's training steps; which values BN, LN, GN and IN average over."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.patches import Rectangle

from dlie.figures import cells, figure
from dlie.figures.diagram import canvas
from dlie.figures.style import C

FS = 13  # every text of these figures: 13 px at 5.6 in, so nothing is below 11 px on a phone

LABELS = {
    "zh": {
        "before": "BN 之前：最后一个训练批的 {m} 个值",
        "train": "训练模式：用这一批的均值和方差",
        "eval": "推理模式：用滑动平均",
        "stats": "均值 {mu}，标准差 {sd}",
        "stats-exact": "均值 {mu} = β，标准差 {sd} = γ",
        "value": "通道 {c} 的取值",
        "mean": "均值",
        "sd": "标准差",
        "step": "训练步数（共 {steps} 步，只画前 {shown} 步）",
        "batch": "批统计量",
        "running": "滑动平均",
        "true": "总体值",
        "final": "{steps} 步后：{v}",
        "sample": "样本 N",
        "channel": "通道 C",
        "over-bn": "跨 N、H、W",
        "over-ln": "跨 C、H、W",
        "over-gn": "组内 C、H、W",
        "over-in": "跨 H、W",
        "key": "每格：一个样本的一个通道（H×W 个值）",
        "key2": "着色：与 ★ 共用同一组均值和方差",
    },
    "en": {
        "before": "before BN: the last training batch, {m} values",
        "train": "training mode: this batch's mean and variance",
        "eval": "inference mode: running averages",
        "stats": "mean {mu}, s.d. {sd}",
        "stats-exact": "mean {mu} = β, s.d. {sd} = γ",
        "value": "value of channel {c}",
        "mean": "mean",
        "sd": "s.d.",
        "step": "training step (the first {shown} of {steps} shown)",
        "batch": "batch statistic",
        "running": "running average",
        "true": "population",
        "final": "after {steps} steps: {v}",
        "sample": "example N",
        "channel": "channel C",
        "over-bn": "over N, H, W",
        "over-ln": "over C, H, W",
        "over-gn": "group's C, H, W",
        "over-in": "over H, W",
        "key": "a cell: one channel of one example (H×W values)",
        "key2": "shaded: used for ★'s mean and variance",
    },
}
KEEP: set[str] = set()

# ---- the page's code: 4 channels, PyTorch momentum 0.1, 300 steps with batches of 32, seed 0 -----
N_CHANNELS, EPS, MOM, STEPS, BATCH, SEED = 4, 1e-5, 0.1, 300, 32, 0
TRUE_MU, TRUE_SD = np.array([3.0, -1.0, 0.0, 10.0]), np.array([2.0, 0.5, 1.0, 5.0])
CHANNEL = 0  # the channel drawn: population mean 3, s.d. 2


@lru_cache(maxsize=1)
def page_training() -> dict:
    """The page's training loop, replayed with its draws: γ, β, then 300 batches of 32; keeps
    every batch's mean and unbiased variance and the running averages after every step (index
    0: their initial values 0 and 1), and the last batch ``x``."""
    rng = np.random.default_rng(SEED)
    gamma, beta = rng.uniform(0.5, 2, N_CHANNELS), rng.normal(size=N_CHANNELS)
    run_mu, run_var = np.zeros(N_CHANNELS), np.ones(N_CHANNELS)
    mus, vars_, run_mus, run_vars = [], [], [run_mu], [run_var]
    for _ in range(STEPS):
        x = TRUE_MU + TRUE_SD * rng.normal(size=(BATCH, N_CHANNELS))
        mus.append(x.mean(0))
        vars_.append(x.var(0, ddof=1))
        run_mu = (1 - MOM) * run_mu + MOM * x.mean(0)
        run_var = (1 - MOM) * run_var + MOM * x.var(0, ddof=1)
        run_mus.append(run_mu)
        run_vars.append(run_var)
    return {
        "gamma": gamma,
        "beta": beta,
        "x": x,
        "batch_mu": np.array(mus),
        "batch_var": np.array(vars_),
        "run_mu": np.array(run_mus),
        "run_var": np.array(run_vars),
    }


def bn(x, mu, var, gamma, beta):
    """The page's ``bn``: γ(x − μ)/√(σ² + ε) + β."""
    return gamma * (x - mu) / np.sqrt(var + EPS) + beta


def channel_outputs() -> dict[str, np.ndarray]:
    """One channel of the last batch: its raw values, the training-mode output (this batch's
    mean and biased variance) and the inference-mode output (the running averages)."""
    run = page_training()
    x = run["x"]
    train = bn(x, x.mean(0), x.var(0), run["gamma"], run["beta"])
    infer = bn(x, run["run_mu"][-1], run["run_var"][-1], run["gamma"], run["beta"])
    return {"before": x[:, CHANNEL], "train": train[:, CHANNEL], "eval": infer[:, CHANNEL]}


def num(v: float, digits: int = 2) -> str:
    return cells.number(round(float(v), digits), f"{{:.{digits}f}}")


ROWS = (("before", C.muted), ("train", C.accent), ("eval", C.accent3))


@figure("q17/one-channel", size=(5.6, 3.6))
def one_channel(fig, t):
    """Channel 0 of the page's last batch (32 values, mean ≈ 3): in training mode BN maps them to
    mean exactly β and s.d. exactly γ; inference mode uses the running averages instead, so
    the result is close but not exact, and it no longer depends on the batch."""
    run = page_training()
    beta = run["beta"][CHANNEL]
    out = channel_outputs()
    ax = fig.add_axes((0.04, 0.15, 0.92, 0.84))
    for y in (1, 0):  # β through the two output rows (their labels stay clear)
        ax.plot([beta, beta], [y - 0.42, y + 0.16], color=C.accent, lw=1, ls=(0, (4, 3)))
    for row, (key, colour) in enumerate(ROWS):
        y = 2 - row
        v = out[key]
        mu, sd = v.mean(), v.std()
        rug_x = np.repeat(v, 3)  # one path: a short vertical tick per value
        rug_y = np.tile([y - 0.1, y + 0.1, np.nan], len(v))
        rug_x[2::3] = np.nan
        ax.plot(rug_x, rug_y, color=colour, lw=1.6, alpha=0.75)
        ax.plot([mu - sd, mu + sd], [y - 0.28, y - 0.28], color=colour, lw=3, solid_capstyle="butt")
        ax.plot([mu], [y - 0.28], marker="o", ms=6, color=colour)
        ax.text(-4.9, y + 0.36, t[key].format(m=len(v)), ha="left", va="center", fontsize=FS)
        stats = (t["stats-exact"] if key == "train" else t["stats"]).format(mu=num(mu), sd=num(sd))
        right = key != "before"  # beside the s.d. bar, where the row has no values
        ax.text(
            9.9 if right else mu + sd + 0.3,
            y - 0.28,
            stats,
            ha="right" if right else "left",
            va="center",
            fontsize=FS,
            color=colour,
            gid=f"fact-{key}",
        )
    ax.set_xlim(-5, 10)
    ax.set_ylim(-0.6, 2.6)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.tick_params(labelsize=FS)
    ax.set_xlabel(t["value"].format(c=CHANNEL), fontsize=FS, labelpad=2)


@figure("q17/running-stats", size=(5.6, 4.0))
def running_stats(fig, t):
    """The mean and s.d. of channel 0 over the page's first 100 training steps: each batch's
    statistics scatter around the population values (3 and 2); the running averages start at 0
    and 1 and settle within a few tens of steps (momentum 0.1), smoothing out the noise."""
    run = page_training()
    shown = 100
    steps = np.arange(STEPS + 1)
    panels = (
        ("mean", run["batch_mu"][:, CHANNEL], run["run_mu"][:, CHANNEL], TRUE_MU[CHANNEL], "μ̂", (-0.3, 4.5)),
        (
            "sd",
            np.sqrt(run["batch_var"][:, CHANNEL]),
            np.sqrt(run["run_var"][:, CHANNEL]),
            TRUE_SD[CHANNEL],
            "σ̂",
            (0.5, 3.2),
        ),
    )
    for p, (key, batch, running, truth, symbol, ylim) in enumerate(panels):
        ax = fig.add_axes((0.13, 0.57 - p * 0.42, 0.83, 0.33))
        ax.axhline(truth, color=C.fg, lw=1.2, ls=(0, (4, 3)))
        ax.plot(steps[1 : shown + 1], batch[:shown], color=C.accent2, lw=1.2)
        ax.plot(steps[: shown + 1], running[: shown + 1], color=C.accent, lw=2.4)
        ax.text(
            shown - 1,
            ylim[0] + 0.1 * (ylim[1] - ylim[0]),
            t["final"].format(steps=STEPS, v=f"{symbol} = {num(running[-1])}"),
            ha="right",
            va="bottom",
            fontsize=FS,
            color=C.accent,
            gid=f"fact-final-{key}",
        )
        ax.set_xlim(0, shown)
        ax.set_ylim(*ylim)
        ax.set_ylabel(t[key], fontsize=FS)
        ax.tick_params(labelsize=FS)
        ax.grid(True, lw=0.6)
        if p:
            ax.set_xlabel(t["step"].format(shown=shown, steps=STEPS), fontsize=FS, labelpad=2)
        else:
            ax.set_xticklabels([])
    key_ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    height = fig.get_size_inches()[1] * 72
    for i, (name, colour, lw, ls) in enumerate(
        (("batch", C.accent2, 1.2, "-"), ("running", C.accent, 2.4, "-"), ("true", C.fg, 1.2, (0, (4, 3))))
    ):
        x = 20 + i * width / 3
        key_ax.plot([x, x + 22], [height - 14] * 2, color=colour, lw=lw, ls=ls)
        key_ax.text(x + 28, height - 14, t[name], ha="left", va="center", fontsize=FS)


# ---- which values each normalization averages over ----------------------------------------------
N_EX, N_CH, GROUP = 4, 6, 3  # examples, channels, channels per GN group
STAR = (1, 1)  # (example, channel) whose statistics are shaded
KINDS = ("bn", "ln", "gn", "in")


def shared_statistics(kind: str, n: int = STAR[0], c: int = STAR[1]) -> set[tuple[int, int]]:
    """The (example, channel) slices whose H×W values enter the mean and variance used to
    normalize example n, channel c: BN, channel c of every example; LN, every channel of
    example n; GN, example n's channels in c's group; IN, that slice alone."""
    if kind == "bn":
        return {(i, c) for i in range(N_EX)}
    if kind == "ln":
        return {(n, j) for j in range(N_CH)}
    if kind == "gn":
        g = c // GROUP
        return {(n, j) for j in range(g * GROUP, (g + 1) * GROUP)}
    if kind == "in":
        return {(n, c)}
    raise ValueError(kind)


@figure("q17/norm-axes", size=(5.6, 2.6))
def norm_axes(fig, t):
    """Four N × C grids (4 examples, 6 channels, each cell one channel's H×W values): the cells
    whose values set the mean and variance that normalize the starred cell. BN: its channel in
    every example; LN: every channel of its example; GN: its group of 3 channels; IN: itself."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    cell, top = 13, 138
    panel = (width - 20) / len(KINDS)
    for p, kind in enumerate(KINDS):
        x0 = 10 + p * panel + (panel - N_CH * cell) / 2 + 6
        for i, j in sorted(shared_statistics(kind)):
            ax.add_patch(
                Rectangle(
                    (x0 + j * cell, top - (i + 1) * cell),
                    cell,
                    cell,
                    facecolor=C.accent,
                    alpha=0.55,
                    edgecolor="none",
                    gid=f"fact-{kind}",
                )
            )
        cells.lines(ax, N_EX, N_CH, x0, top, cell, lw=1)
        if kind == "gn":
            ax.plot([x0 + GROUP * cell] * 2, [top + 3, top - N_EX * cell - 3], color=C.fg, lw=2)
        n, c = STAR
        ax.text(x0 + (c + 0.5) * cell, top - (n + 0.5) * cell, "★", ha="center", va="center", fontsize=FS)
        mid = x0 + N_CH * cell / 2
        ax.text(mid, top + 40, kind.upper(), ha="center", va="center", fontsize=FS, fontweight="bold")
        ax.text(mid, top + 14, t["channel"], ha="center", va="center", fontsize=FS, color=C.muted)
        ax.text(
            x0 - 6,
            top - N_EX * cell / 2,
            t["sample"],
            ha="center",
            va="center",
            fontsize=FS,
            color=C.muted,
            rotation=90,
        )
        ax.text(mid, top - N_EX * cell - 18, t[f"over-{kind}"], ha="center", va="center", fontsize=FS)
    ax.text(width / 2, 32, t["key"], ha="center", va="center", fontsize=FS, color=C.muted)
    ax.text(width / 2, 13, t["key2"], ha="center", va="center", fontsize=FS, color=C.muted)

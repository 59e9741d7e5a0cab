"""Figures of question 30 (weight initialization: variance through 50 ReLU layers, the half of
the second moment ReLU removes, the symmetry of a constant initialization)."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from matplotlib.collections import LineCollection

from dlie import nn
from dlie.figures import cells, figure
from dlie.figures.style import C

LABELS = {
    "zh": {
        "small": "N(0, 0.01²)",
        "xavier": "Xavier",
        "he": "He",
        "large": "N(0, 0.1²)",
        "factor": "每层 ×{c}",
        "layer": "层",
        "ratio": "Var(z) / 第 1 层",
        "end": "第 {n} 层",
        "kept": "保留：½·Var(z)",
        "removed": "ReLU 置零：½·Var(z)",
        "density": "z²·p(z)，z ~ N(0, {s}²)",
        "sample": "{n} 个样本：E[ReLU(z)²] / Var(z) = {r}",
        "const": "常数初始化 W₁ = {c}：{k} 列完全相同",
        "random": "随机初始化：各列不同",
        "row": "x{i}",
        "col": "隐藏单元 1 … {k}",
    },
    "en": {
        "small": "N(0, 0.01²)",
        "xavier": "Xavier",
        "he": "He",
        "large": "N(0, 0.1²)",
        "factor": "×{c} per layer",
        "layer": "layer",
        "ratio": "Var(z) / layer 1",
        "end": "layer {n}",
        "kept": "kept: ½·Var(z)",
        "removed": "zeroed by ReLU: ½·Var(z)",
        "density": "z²·p(z), z ~ N(0, {s}²)",
        "sample": "{n} samples: E[ReLU(z)²] / Var(z) = {r}",
        "const": "constant init W₁ = {c}: all {k} columns equal",
        "random": "random init: the columns differ",
        "row": "x{i}",
        "col": "hidden units 1 … {k}",
    },
}
KEEP = {"Xavier", "He", "ReLU", "Var"}

SIZE = 13
DEPTH, WIDTH, BATCH = 50, 512, 256  # the page's forward_vars defaults
INITS = {  # the page's four initializations, in its order: name -> std as a function of n
    "small": lambda n: 0.01,
    "xavier": lambda n: np.sqrt(2 / (n + n)),
    "he": lambda n: np.sqrt(2 / n),
    "large": lambda n: 0.1,
}
Z_STD, Z_SAMPLES = 3.0, 1_000_000  # the page's z for the ReLU second-moment check


def per_layer_factor(name: str, n: int = WIDTH) -> float:
    """The expected per-layer variance factor of a ReLU layer: c = n·Var(w)/2."""
    return n * INITS[name](n) ** 2 / 2


def forward_vars(std_fn, rng: np.random.Generator, depth: int = DEPTH, n: int = WIDTH, batch: int = BATCH):
    """The page's ``forward_vars`` with the same draws: the pre-activation variance at every layer,
    relative to layer 1."""
    h, out = rng.normal(size=(n, batch)), []
    for _ in range(depth):
        w = rng.normal(size=(n, n)) * std_fn(n)
        z = w @ h
        out.append(z.var())
        h = nn.relu(z)
    return np.array(out) / out[0]


@cache
def page_runs() -> dict:
    """The page's random stream in its order (seed 0): z (10⁶ samples, s.d. 3), the four
    forward_vars runs, then X (32×4) and y (32) of the symmetry check."""
    rng = np.random.default_rng(0)
    z = rng.normal(0.0, Z_STD, size=Z_SAMPLES)
    ratio = float(np.mean(nn.relu(z) ** 2) / np.var(z))
    runs = {name: forward_vars(std, rng) for name, std in INITS.items()}
    x, y = rng.normal(size=(32, 4)), rng.normal(size=32)
    return {"ratio": ratio, "runs": runs, "X": x, "y": y}


def sci(v: float) -> str:
    """v as m·10ᵉ with a superscript exponent (one significant digit of m), e.g. 2·10⁻⁷⁹; a value
    between 0.01 and 100 as a plain number with two significant digits."""
    if 0.01 <= v < 100 and v != 1:
        return f"{v:.2g}"
    e = math.floor(math.log10(v))
    m = round(v / 10**e)
    if m == 10:
        m, e = 1, e + 1
    sup = str(e).replace("-", "⁻").translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return (f"{m}·" if m != 1 else "") + "10" + sup if e else str(m)


def panel(fig, x, y, w, h):
    width, height = (v * 72 for v in fig.get_size_inches())
    return fig.add_axes((x / width, y / height, w / width, h / height))


@figure("q30/variance-depth", size=(5.6, 3.6))
def variance_depth(fig, t):
    """The page's 50-layer, 512-wide ReLU network: pre-activation variance relative to layer 1,
    log scale. The per-layer factor is n·Var(w)/2: 0.026 for N(0, 0.01²) (down to ~10⁻⁷⁹),
    0.5 for Xavier (~10⁻¹⁵), 1 for He (stays near 1), 2.56 for N(0, 0.1²) (~10²⁰)."""
    runs = page_runs()["runs"]
    layers = np.arange(1, DEPTH + 1)
    ax = panel(fig, 56, 46, 190, 190)
    colours = {"small": C.accent4, "xavier": C.accent, "he": C.accent3, "large": C.accent2}
    for name, ratio in runs.items():
        ax.plot(layers, np.log10(ratio), color=colours[name], lw=2, gid=f"fact-curve-{name}")
    ax.set_xlim(1, DEPTH)
    ax.set_ylim(-85, 25)
    ticks = list(range(-80, 21, 20))
    ax.set_yticks(ticks, [sci(10.0**e) for e in ticks])
    ax.set_xticks((1, 10, 20, 30, 40, 50))
    ax.tick_params(labelsize=SIZE, length=3, pad=2)
    ax.grid(True, axis="y", lw=0.6)
    ax.set_xlabel(t["layer"], fontsize=SIZE, labelpad=2)
    fig.text(8, 250, t["ratio"], ha="left", va="center", fontsize=SIZE, transform=None)
    # the key, ordered as the curves end (top to bottom), with each layer-50 value
    order = sorted(runs, key=lambda name: -runs[name][-1])
    for k, name in enumerate(order):
        y = 206 - k * 44
        fig.text(
            258,
            y + 8,
            t[name],
            ha="left",
            va="center",
            fontsize=SIZE,
            color=colours[name],
            fontweight="bold",
            transform=None,
        )
        factor = per_layer_factor(name)
        fig.text(
            258,
            y - 9,
            t["factor"].format(c=f"{factor:.3g}"),
            ha="left",
            va="center",
            fontsize=SIZE,
            transform=None,
            gid=f"fact-factor-{name}",
        )
        fig.text(
            398,
            y + 8,
            sci(runs[name][-1]),
            ha="right",
            va="center",
            fontsize=SIZE,
            transform=None,
            color=colours[name],
            gid=f"fact-end-{name}",
        )
    fig.text(398, 236, t["end"].format(n=DEPTH), ha="right", va="center", fontsize=SIZE, color=C.muted, transform=None)


# ---- the key step: ReLU keeps half of the second moment ----------------------------------------------
@figure("q30/relu-half", size=(5.6, 2.9))
def relu_half(fig, t):
    """z²·p(z) for the page's z ~ N(0, 3²): its integral is Var(z); ReLU zeroes the negative half,
    so E[ReLU(z)²] = ½·Var(z). The page's 10⁶ samples give the ratio 0.50."""
    ax = panel(fig, 20, 58, 363, 128)
    z = np.linspace(-4 * Z_STD, 4 * Z_STD, 121)
    density = z**2 * np.exp(-(z**2) / (2 * Z_STD**2)) / (Z_STD * math.sqrt(2 * math.pi))
    ax.fill_between(z[z <= 0], density[z <= 0], color=C.fill4, lw=0)
    ax.fill_between(z[z >= 0], density[z >= 0], color=C.fill, lw=0)
    ax.plot(z, density, color=C.fg, lw=2)
    ax.axvline(0, color=C.muted, lw=1)
    peak = float(density.max())
    ax.set_xlim(z[0], z[-1])
    ax.set_ylim(0, peak * 1.45)
    ax.set_yticks(())
    ax.set_xticks((-9, -6, -3, 0, 3, 6, 9), [cells.number(v) for v in (-9, -6, -3, 0, 3, 6, 9)])
    ax.tick_params(labelsize=SIZE, length=3, pad=2)
    ax.spines["left"].set_visible(False)
    ax.text(-Z_STD * 1.6, peak * 1.22, t["removed"], ha="center", va="center", fontsize=SIZE, color=C.muted)
    ax.text(Z_STD * 1.6, peak * 1.22, t["kept"], ha="center", va="center", fontsize=SIZE, color=C.accent)
    ax.set_xlabel("z", fontsize=SIZE, labelpad=0)
    fig.text(
        201.6,
        196,
        t["density"].format(s=f"{Z_STD:g}"),
        ha="center",
        va="center",
        fontsize=SIZE,
        fontweight="bold",
        transform=None,
    )
    ratio = page_runs()["ratio"]
    fig.text(
        201.6,
        12,
        t["sample"].format(n="10⁶", r=f"{ratio:.3f}"),
        ha="center",
        va="center",
        fontsize=SIZE,
        transform=None,
        gid="fact-ratio",
    )


# ---- symmetry: a constant initialization gives every hidden unit the same gradient ----------------
CONST = 0.5  # the page's W1 = w2 = 0.5 everywhere
HIDDEN = 8


def first_layer_grad(w1, w2, x, y) -> np.ndarray:
    """The page's dW1: the gradient of ½·Σ(error²) with respect to W1 (inputs × hidden units) of
    the net relu(X W1) w2."""
    h = nn.relu(x @ w1)
    return x.T @ (((h @ w2 - y)[:, None] * w2) * (h > 0))


def symmetry_example() -> dict[str, np.ndarray]:
    """dW1 on the page's X and y for the page's constant init, and for a random init (weights
    N(0, 0.5²) from seed 1) for comparison."""
    ex = page_runs()
    rng = np.random.default_rng(1)
    w1r, w2r = rng.normal(0, CONST, (4, HIDDEN)), rng.normal(0, CONST, HIDDEN)
    return {
        "const": first_layer_grad(np.full((4, HIDDEN), CONST), np.full(HIDDEN, CONST), ex["X"], ex["y"]),
        "random": first_layer_grad(w1r, w2r, ex["X"], ex["y"]),
    }


def rect_heat(ax, x0, top, values, cw, ch, vmax, gid=None, levels=4, strength=0.45):
    """A grid of cw × ch cells whose fill encodes sign (accent > 0, accent2 < 0) and |value|/vmax in
    ``levels`` steps (one path per colour and step); each cell shows its value to one decimal."""
    groups: dict[tuple[str, int], list] = {}
    for (i, j), v in np.ndenumerate(values):
        level = min(levels, round(abs(v) / vmax * levels))
        if level:
            face = C.accent if v > 0 else C.accent2
            groups.setdefault((face, level), []).append((x0 + j * cw, top - (i + 1) * ch, cw, ch))
    for (face, level), boxes in sorted(groups.items()):
        cells.fill_cells(ax, boxes, face, alpha=strength * level / levels)
    rows, cols = values.shape
    verts = []
    for i in range(rows + 1):
        verts.append([(x0, top - i * ch), (x0 + cols * cw, top - i * ch)])
    for j in range(cols + 1):
        verts.append([(x0 + j * cw, top), (x0 + j * cw, top - rows * ch)])
    ax.add_collection(LineCollection(verts, colors=C.grid, linewidths=0.8))
    for (i, j), v in np.ndenumerate(values):
        ax.text(
            x0 + (j + 0.5) * cw,
            top - (i + 0.5) * ch,
            cells.number(v, "{:.1f}"),
            ha="center",
            va="center",
            fontsize=SIZE,
            gid=gid,
        )


@figure("q30/symmetry", size=(5.6, 3.75))
def symmetry(fig, t):
    """dW1 (4 inputs × 8 hidden units) on the page's data: with the constant initialization all
    8 columns are identical, so every hidden unit gets the same update and they stay equal; a
    random initialization gives every column its own gradient."""
    ex = symmetry_example()
    height = 3.75 * 72
    ax = cells.canvas(fig, 403.2, height)
    cw, ch, x0 = 40, 22, 60
    vmax = max(float(np.abs(v).max()) for v in ex.values())
    ax.text(
        x0 + HIDDEN * cw / 2,
        height - 12,
        t["col"].format(k=HIDDEN),
        ha="center",
        va="center",
        fontsize=SIZE,
        color=C.muted,
    )
    for p, name in enumerate(("const", "random")):
        top = height - 50 - p * 122
        title = t["const"].format(c=CONST, k=HIDDEN) if name == "const" else t["random"]
        ax.text(x0 + HIDDEN * cw / 2, top + 12, title, ha="center", va="center", fontsize=SIZE, fontweight="bold")
        rect_heat(ax, x0, top, ex[name], cw, ch, vmax, gid=f"fact-grad-{name}")
        for i in range(4):
            ax.text(x0 - 8, top - (i + 0.5) * ch, t["row"].format(i="₁₂₃₄"[i]), ha="right", va="center", fontsize=SIZE)

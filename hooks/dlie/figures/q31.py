"""Figures of question 31 (embeddings for sparse ID features: the lookup as a one-hot product,
hash collisions against the number of buckets)."""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
from matplotlib.patches import Rectangle

from dlie.figures import figure
from dlie.figures.cells import number
from dlie.figures.diagram import arrow, canvas, heatmap
from dlie.figures.style import C

LABELS = {
    "zh": {
        "x": "one-hot x",
        "id": "ID = {i}",
        "table": "嵌入表 E（{n}×{d}）",
        "e": "e = xᵀE = E[{i}]",
        "grad": "反向传播：只有\nE[{i}] 这一行有梯度",
        "axis-x": "每个 ID 的桶数 m/N",
        "axis-y": "与别的 ID 同桶的比例",
        "theory": "理论 1 − (1 − 1/m)^(N−1)",
        "sim": "md5 哈希 N = {n}",
        "users": "用户 ID 表",
        "videos": "视频 ID 表",
        "authors": "作者 ID 表",
        "mlp": "MLP",
        "params": "参数量（对数刻度）",
        "ratio": "嵌入表合计 ≈ MLP 的 {plain} 倍",
    },
    "en": {
        "x": "one-hot x",
        "id": "ID = {i}",
        "table": "embedding table E ({n}×{d})",
        "e": "e = xᵀE = E[{i}]",
        "grad": "backward: only row\nE[{i}] gets a gradient",
        "axis-x": "buckets per ID, m/N",
        "axis-y": "share of IDs in a shared bucket",
        "theory": "theory 1 − (1 − 1/m)^(N−1)",
        "sim": "md5 hash, N = {n}",
        "users": "user ID table",
        "videos": "video ID table",
        "authors": "author ID table",
        "mlp": "MLP",
        "params": "parameters (log scale)",
        "ratio": "tables together ≈ {r}× the MLP",
    },
}
KEEP = {"one-hot", "md5"}

# the lookup figure: a 6-row table of 3 dimensions, ID 3 looked up
ROWS, DIM, ID, SEED = 6, 3, 3, 0


def table() -> np.ndarray:
    return np.round(np.random.default_rng(SEED).normal(size=(ROWS, DIM)), 1)


@figure("q31/lookup", size=(5.1, 3.4))
def lookup(fig, t):
    """A one-hot column x (a 1 at the ID) next to the embedding table E: xᵀE picks out row ID,
    which is the embedding e; in the backward pass only that row receives a gradient."""
    ax = canvas(fig)
    E = table()
    x = np.eye(ROWS)[ID]
    cell, top = 32, 212
    x0, e0 = 24, 96
    ex = e0 + DIM * cell + 48
    heatmap(ax, x0, top, [[v] for v in x], cell, scale=1.0, fmt="{:.0f}", text_gid="fact-onehot")
    colours = [[C.accent if r == ID else C.fill4 for _ in range(DIM)] for r in range(ROWS)]
    texts = [[number(v, "{:.1f}") for v in row] for row in E]
    ones = [[1.0] * DIM for _ in range(ROWS)]  # uniform cells: the looked-up row in accent
    heatmap(ax, e0, top, ones, cell, colors=colours, texts=texts, size=12, scale=1.0, text_gid="fact-e")
    y_id = top - (ID + 0.5) * cell
    ax.add_patch(Rectangle((e0, top - (ID + 1) * cell), DIM * cell, cell, fill=False, edgecolor=C.accent, lw=2.2))
    ax.text(x0 + cell / 2, top + 14, t["x"], ha="center", va="center", fontsize=12)
    ax.text(x0 + cell / 2, top - ROWS * cell - 14, t["id"].format(i=ID), ha="center", va="center", fontsize=12)
    ax.text(e0 + DIM * cell / 2, top + 14, t["table"].format(n=ROWS, d=DIM), ha="center", va="center", fontsize=12)
    ax.text((x0 + cell + e0) / 2, y_id, "×", ha="center", va="center", fontsize=16)
    arrow(ax, (e0 + DIM * cell + 6, y_id), (ex - 6, y_id), color=C.accent)
    row = [[1.0] * DIM]
    heatmap(ax, ex, y_id + cell / 2, row, cell, colors=[colours[ID]], texts=[texts[ID]], size=12, text_gid="fact-row")
    ax.text(ex + DIM * cell / 2, y_id + cell / 2 + 14, t["e"].format(i=ID), ha="center", va="center", fontsize=12)
    ax.text(
        ex + DIM * cell / 2,
        y_id - cell / 2 - 26,
        t["grad"].format(i=ID),
        ha="center",
        va="center",
        fontsize=12,
        color=C.muted,
        linespacing=1.3,
    )


# ---- hash collisions: the same stable hash and formula as the page's code ---------------------
N_IDS = 20_000
RATIOS = (0.5, 1, 2, 5, 10, 20, 50, 100)  # buckets per ID, m/N
MARKED = (1, 10, 100)


def bucket(key: str, m: int) -> int:
    return int.from_bytes(hashlib.md5(key.encode()).digest()[:8], "little") % m


def collision_rate(n_ids: int, m: int) -> float:
    b = np.array([bucket(f"video:{k}", m) for k in range(n_ids)])
    return float(np.mean(np.bincount(b, minlength=m)[b] > 1))


def theory(n_ids: int, m: float) -> float:
    return 1 - (1 - 1 / m) ** (n_ids - 1)


@cache
def simulated() -> tuple[float, ...]:
    return tuple(collision_rate(N_IDS, int(r * N_IDS)) for r in RATIOS)


@figure("q31/collisions", size=(5.1, 3.2))
def collisions(fig, t):
    """The share of N IDs that land in a bucket with another ID, against the number of buckets
    per ID (log scale): the formula as a line, a real md5 hash as dots; 63% at m = N, 10% at
    m = 10N, 1% at m = 100N."""
    ax = fig.add_axes((0.15, 0.17, 0.81, 0.76))
    r = np.logspace(np.log10(0.4), np.log10(130), 80)
    ax.plot(r, [theory(N_IDS, k * N_IDS) for k in r], color=C.accent, label=t["theory"])
    ax.plot(RATIOS, simulated(), "o", color=C.accent2, ms=6, label=t["sim"].format(n=f"{N_IDS:,}"))
    for k in MARKED:
        p = theory(N_IDS, k * N_IDS)
        ax.plot([k], [p], "o", mfc="none", mec=C.fg, ms=11, mew=1.2)
        ax.annotate(
            f"{p:.2f}",
            (k, p),
            xytext=(-30, 10) if k == MARKED[-1] else (10, 6),
            textcoords="offset points",
            fontsize=12,
            gid="fact-rate",
        )
    ax.set_xscale("log")
    ax.set_xticks([0.5, 1, 10, 100], ["0.5", "1", "10", "100"])
    ax.set_ylim(0, 1)
    ax.set_xlabel(t["axis-x"])
    ax.set_ylabel(t["axis-y"])
    ax.legend(loc="upper right")


# ---- where the parameters are: the page's configuration ---------------------------------------
ROWS_PER_TABLE = {"users": 200e6, "videos": 50e6, "authors": 5e6}  # IDs per field, as in the page's code
EMB_DIM = 64
WIDTHS = (20 * 64, 1024, 512, 256, 1)  # 20 fields of 64 dimensions into the MLP


def mlp_params(widths) -> int:
    return sum(a * b + b for a, b in zip(widths, widths[1:], strict=False))


def sci(v: float) -> str:
    """1.28×10¹⁰ style, three significant digits."""
    exp = int(np.floor(np.log10(v)))
    sup = str(exp).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{v / 10**exp:.2f}×10{sup}"


@figure("q31/params", size=(5.1, 2.7))
def params(fig, t):
    """Parameter counts of the page's configuration on a log axis: the three ID tables (rows × 64)
    against the MLP on top; together the tables hold about 8,300 times as many."""
    ax = fig.add_axes((0.27, 0.3, 0.7, 0.6))
    names = [*ROWS_PER_TABLE, "mlp"]
    values = [n * EMB_DIM for n in ROWS_PER_TABLE.values()] + [mlp_params(WIDTHS)]
    colours = [C.accent, C.accent, C.accent, C.accent2]
    y = np.arange(len(names))[::-1]
    ax.barh(y, values, color=colours, height=0.6)
    for yi, v in zip(y, values, strict=True):
        ax.text(v * 1.3, yi, sci(v), va="center", fontsize=12, gid="fact-count")
    ax.set_yticks(y, [t[n] for n in names])
    ax.set_xscale("log")
    ax.set_xlim(1e5, 1e13)
    ax.set_xticks([1e6, 1e8, 1e10, 1e12], ["10⁶", "10⁸", "10¹⁰", "10¹²"])
    ax.set_xlabel(t["params"])
    ratio = round(sum(values[:-1]) / values[-1], -2)
    text = t["ratio"].format(r=f"{ratio:,.0f}", plain=f"{ratio:.0f}")
    fig.text(0.5, 0.96, text, ha="center", va="top", fontsize=12, gid="fact-ratio")

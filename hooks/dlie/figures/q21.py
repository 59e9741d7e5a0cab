"""Figures of question 21 (designing pooling: aliasing and blur pooling, masked pooling of
behaviour sequences, attention pooling)."""

from __future__ import annotations

import numpy as np

from dlie.figures import cells, figure
from dlie.figures.diagram import canvas
from dlie.figures.style import C
from dlie.figures.tables import table

KEEP = {"MaxBlurPool", "softmax"}

LABELS = {
    "zh": {
        "signal": "信号 x（周期 4）",
        "shifted": "x 平移 1 个位置",
        "maxpool": "最大池化（窗口 2，步长 2）",
        "blurpool": "MaxBlurPool：取最大 → 模糊 [1,2,1]/4 → 下采样",
        "diff": "两者最大差异：{d}",
        "seq": "补齐到 L = {L} 的行为序列（{n} 个真实行为）",
        "pad": "补齐",
        "mean-mask": "掩码平均",
        "mean-nomask": "不加掩码的平均",
        "max-mask": "掩码最大",
        "max-nomask": "不加掩码的最大",
        "why-mean": "不加掩码：平均除以 L = {L} 而不是 {n}，",
        "why-max": "最大取到补齐位置的 0",
        "weights": "每个位置的池化权重",
        "mean": "平均",
        "cand-a": "候选 A",
        "cand-a-nomask": "A，无掩码",
        "cand-b": "候选 B",
        "no-softmax": "DIN 的权重不做 softmax 归一化",
    },
    "en": {
        "signal": "signal x (period 4)",
        "shifted": "x shifted by 1",
        "maxpool": "max pooling (window 2, stride 2)",
        "blurpool": "MaxBlurPool: max → blur [1,2,1]/4 → subsample",
        "diff": "largest difference: {d}",
        "seq": "behavior sequence padded to L = {L} ({n} real)",
        "pad": "padding",
        "mean-mask": "masked mean",
        "mean-nomask": "mean, no mask",
        "max-mask": "masked max",
        "max-nomask": "max, no mask",
        "why-mean": "no mask: the mean divides by L = {L}, not {n};",
        "why-max": "the max returns the padded 0",
        "weights": "pooling weight of each position",
        "mean": "mean",
        "cand-a": "candidate A",
        "cand-a-nomask": "A, no mask",
        "cand-b": "candidate B",
        "no-softmax": "DIN's weights are not softmax-normalized",
    },
}


# ---- aliasing: the page's code, part 2 ---------------------------------------------------------
def signal() -> tuple[np.ndarray, np.ndarray]:
    """The page's period-4 signal (32 samples) and the same signal shifted by one position."""
    sig = np.tile([1.0, 1.0, 0.0, 0.0], 8)
    return sig, np.roll(sig, 1)


def maxpool(z):
    """Max pooling with window 2 and stride 2."""
    return np.asarray(z).reshape(-1, 2).max(axis=1)


def blur(z):
    """The [1, 2, 1]/4 low-pass filter with a circular border."""
    return (np.roll(z, 1) + 2 * z + np.roll(z, -1)) / 4


def max_blur_pool(z):
    """Zhang (2019): dense (stride-1) max pooling, then blur, then keep every second sample."""
    return blur(np.maximum(z, np.roll(z, -1)))[::2]


SHOWN = 8  # samples drawn of the 32 (two periods); the outputs under them


@figure("q21/aliasing", size=(5.5, 3.1))
def aliasing(fig, t):
    """The period-4 signal and its shift by one, max pooled (window 2, stride 2): the outputs
    differ by 1 ([1, 0, 1, 0] against all ones); with MaxBlurPool they differ by 0.25. Each
    output cell sits under the window it pools; only the first 8 of the 32 samples are drawn."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    sig, sh = signal()
    rows = (("maxpool", maxpool), ("blurpool", max_blur_pool))
    cell, rh = 21, 24  # cell width, row height
    half = width / 2
    x0s = (half - 14 - SHOWN * cell, half + 14)
    top = height - 34
    for k, (key, z) in enumerate((("signal", sig), ("shifted", sh))):
        x0 = x0s[k]
        ax.text(x0 + SHOWN * cell / 2, height - 14, t[key], ha="center", va="center")
        table(ax, x0, top, [z[:SHOWN]], cell, rh, texts=[[f"{v:g}" for v in z[:SHOWN]]], text_gid=f"fact-x-{k}")
        ax.text(x0 + SHOWN * cell + 3, top - rh / 2, "…", ha="left", va="center", color=C.muted)
    y = top - rh
    for key, pool in rows:
        a, b = pool(sig), pool(sh)
        ax.text(half, y - 16, t[key], ha="center", va="center")
        y -= 30
        for k, out in enumerate((a, b)):
            shown = out[: SHOWN // 2]
            table(
                ax,
                x0s[k],
                y,
                [shown],
                2 * cell,
                rh,
                vmax=1.0,
                texts=[[cells.number(v) for v in shown]],
                text_gid=f"fact-{key}-{k}",
            )
        d = float(np.abs(a - b).max())
        ax.text(
            half,
            y - rh - 14,
            t["diff"].format(d=cells.number(d)),
            ha="center",
            va="center",
            color=C.accent2 if d >= 1 else C.accent3,
            gid=f"fact-diff-{key}",
        )
        y -= rh + 28


# ---- masked pooling and attention pooling: the page's code, parts 3 and 4 ---------------------
B, L, D = 3, 5, 4
LENS = np.array([5, 2, 1])
USER = 1  # the user the page's attention example uses: 2 real behaviours, 3 padded positions


def page_example() -> dict:
    """The page's random draws, in the page's order from ``default_rng(0)``: the strided-conv
    example (unused here), the behaviour embeddings E (real ones negative, padding 0), the DIN
    scorer W1, w2, two candidates v1, v2 and the non-zero padded embeddings Ep of user 1."""
    rng = np.random.default_rng(0)
    rng.standard_normal(32), rng.standard_normal(3)
    m = (np.arange(L) < LENS[:, None]).astype(float)
    E = -np.abs(rng.standard_normal((B, L, D))) * m[..., None]
    W1, w2, v1, v2 = (
        rng.standard_normal((3 * D, 8)),
        rng.standard_normal(8),
        rng.standard_normal(D),
        rng.standard_normal(D),
    )
    Ep = E[USER].copy()
    Ep[LENS[USER] :] = rng.standard_normal(D)
    return {"m": m, "E": E, "W1": W1, "w2": w2, "v1": v1, "v2": v2, "Ep": Ep}


def poolings(Eb, mb) -> dict[str, np.ndarray]:
    """Masked and unmasked mean and max of one padded sequence (L × d) with mask mb."""
    mask = np.asarray(mb)[:, None] > 0
    return {
        "mean-mask": (Eb * mask).sum(axis=0) / max(mask.sum(), 1),
        "mean-nomask": Eb.mean(axis=0),
        "max-mask": np.where(mask, Eb, -np.inf).max(axis=0),
        "max-nomask": Eb.max(axis=0),
    }


@figure("q21/masked-pooling", size=(5.5, 4.4))
def masked_pooling(fig, t):
    """The page's user with 2 real behaviours padded to L = 5 (embeddings of dimension 4, real
    values negative, padding 0) and four poolings of it, each under the dimension it pools:
    masked mean and max are right; without the mask the mean is diluted (÷5) and the max is 0."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    ex = page_example()
    Eb, mb = ex["E"][USER], ex["m"][USER]
    n = int(mb.sum())
    w, h = 58, 22
    x0 = width - 44 - D * w
    top = height - 30
    ax.text(width / 2, height - 13, t["seq"].format(L=L, n=n), ha="center", va="center")
    blank = np.repeat(mb[:, None] == 0, D, axis=1)
    table(ax, x0, top, Eb, w, h, pos=C.accent, neg=C.accent, blank=blank, fmt="{:.2f}", text_gid="fact-e")
    for i in range(L):
        label = f"e{'₀₁₂₃₄₅₆₇₈₉'[i + 1]}" if mb[i] else t["pad"]
        ax.text(x0 - 8, top - (i + 0.5) * h, label, ha="right", va="center", color=C.fg if mb[i] else C.muted)
    pooled = poolings(Eb, mb)
    y = top - L * h - 16
    for k, key in enumerate(("mean-mask", "mean-nomask", "max-mask", "max-nomask")):
        y -= 8 if k == 2 else 0
        ok = key.endswith("-mask")
        table(
            ax,
            x0,
            y,
            [pooled[key]],
            w,
            h,
            pos=C.accent,
            neg=C.accent,
            vmax=np.abs(Eb).max(),
            fmt="{:.2f}",
            text_gid=f"fact-{key}",
        )
        ax.text(x0 - 8, y - h / 2, t[key], ha="right", va="center", color=C.fg if ok else C.accent2)
        ax.text(
            x0 + D * w + 10,
            y - h / 2,
            "✓" if ok else "✗",
            ha="left",
            va="center",
            color=C.accent3 if ok else C.accent2,
            fontweight="bold",
        )
        y -= h + 4
    ax.text(width / 2, y - 12, t["why-mean"].format(L=L, n=n), ha="center", va="center", color=C.accent2)
    ax.text(width / 2, y - 30, t["why-max"], ha="center", va="center", color=C.accent2)


def din_weights(Eb, mb, v, W1, w2) -> np.ndarray:
    """The weight of each position in the page's DIN-style pooling: a small MLP (PReLU with slope
    0.25, as in DIN's activation unit) scores [eₜ, v, eₜ ⊙ v], no softmax, padded positions
    multiplied by the mask."""
    h = np.concatenate([Eb, np.broadcast_to(v, Eb.shape), Eb * v], axis=-1)
    z = h @ W1
    return np.where(z > 0, z, 0.25 * z) @ w2 * np.asarray(mb)


def weight_columns(ex: dict | None = None) -> dict[str, np.ndarray]:
    """The four columns of q21/attention-weights: mean pooling's 1/n, and DIN's weights for
    candidate v1 (with and without the mask) and for candidate v2, on user 1's sequence Ep."""
    ex = ex or page_example()
    mb, Ep = ex["m"][USER], ex["Ep"]
    return {
        "mean": mb / mb.sum(),
        "cand-a": din_weights(Ep, mb, ex["v1"], ex["W1"], ex["w2"]),
        "cand-a-nomask": din_weights(Ep, np.ones(L), ex["v1"], ex["W1"], ex["w2"]),
        "cand-b": din_weights(Ep, mb, ex["v2"], ex["W1"], ex["w2"]),
    }


@figure("q21/attention-weights", size=(5.5, 2.9))
def attention_weights(fig, t):
    """The weight each pooling gives to the 5 positions of the page's user (2 real behaviours,
    3 padded): mean pooling 1/2 each; DIN's weights differ between candidates A and B, are not
    normalized, and are 0 at padding only with the mask (without it padding gets −1.60)."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    ex = page_example()
    mb = ex["m"][USER]
    cols = weight_columns(ex)
    w, h = 78, 22
    x0 = width - 8 - len(cols) * w
    top = height - 50
    ax.text(width / 2, height - 13, t["weights"], ha="center", va="center")
    for j, (key, col) in enumerate(cols.items()):
        ax.text(x0 + (j + 0.5) * w, top + 12, t[key], ha="center", va="center", color=C.fg)
        table(
            ax,
            x0 + j * w,
            top,
            col[:, None],
            w,
            h,
            fmt="{:.2f}",
            text_gid=f"fact-w-{key}",
        )
    for i in range(L):
        label = f"e{'₀₁₂₃₄₅₆₇₈₉'[i + 1]}" if mb[i] else t["pad"]
        ax.text(x0 - 8, top - (i + 0.5) * h, label, ha="right", va="center", color=C.fg if mb[i] else C.muted)
    ax.text(width / 2, top - L * h - 16, t["no-softmax"], ha="center", va="center", color=C.muted)

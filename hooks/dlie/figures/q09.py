"""Figures of question 9 (convolution as filtering)."""

from __future__ import annotations

import numpy as np

from dlie import nn
from dlie.figures import cells, figure
from dlie.figures.style import C

KEEP = {"sobel"}

LABELS = {
    "zh": {
        "image": "输入：{n}×{n}，中间一个亮方块",
        "sobel_x": "Sobel x",
        "sobel_y": "Sobel y",
        "gauss": "高斯（÷16）",
        "laplace": "拉普拉斯",
        "pos": "正响应",
        "neg": "负响应",
        "step": "输入：竖直阶跃边缘（0 → 10）",
        "xcorr": "互相关：+{v}",
        "conv": "真卷积（核翻转 180°）：{v}",
        "kernel": "Sobel x 核",
        "box": "均值（低通）",
        "lap": "拉普拉斯（高通）",
        "sob": "Sobel x（带通）",
        "freq": "水平频率 ω",
        "gain": "|H(ω)| ÷ 最大值",
    },
    "en": {
        "image": "input: {n}×{n}, a bright square",
        "sobel_x": "Sobel x",
        "sobel_y": "Sobel y",
        "gauss": "Gaussian (÷16)",
        "laplace": "Laplacian",
        "pos": "positive",
        "neg": "negative",
        "step": "input: a vertical step edge (0 → 10)",
        "xcorr": "cross-correlation: +{v}",
        "conv": "convolution (kernel flipped): {v}",
        "kernel": "Sobel x kernel",
        "box": "box (low-pass)",
        "lap": "Laplacian (high-pass)",
        "sob": "Sobel x (band-pass)",
        "freq": "horizontal frequency ω",
        "gain": "|H(ω)| ÷ its maximum",
    },
}

# the page's kernels (its table and code)
SOBEL = np.outer([1, 2, 1], [-1, 0, 1]).astype(float)
GAUSS16 = np.outer([1, 2, 1], [1, 2, 1]).astype(float)  # the Gaussian kernel times 16
LAPLACE = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float)
BOX = np.ones((3, 3)) / 9
BANK = [("sobel_x", SOBEL, 1), ("sobel_y", SOBEL.T, 1), ("gauss", GAUSS16, 16), ("laplace", LAPLACE, 1)]


def square_image(n: int = 8, lo: int = 2, hi: int = 6) -> np.ndarray:
    """An n×n image: 1 on rows and columns lo…hi−1, 0 elsewhere."""
    img = np.zeros((n, n))
    img[lo:hi, lo:hi] = 1.0
    return img


def responses(img: np.ndarray) -> dict[str, np.ndarray]:
    """Valid cross-correlation of the image with each kernel of the bank (``nn.conv2d``)."""
    return {name: nn.conv2d(img, k / scale) for name, k, scale in BANK}


@figure("q09/filter-bank", size=(6.4, 3.9))
def filter_bank(fig, t):
    """An 8×8 image with a bright square and its valid responses (6×6) to Sobel x (left edge +,
    right edge −), Sobel y (top edge +, bottom edge −), the Gaussian (a blurred square) and the
    Laplacian (+ just outside the edge, − just inside). Opacity: |response| / its maximum."""
    img = square_image()
    out = responses(img)
    ax = cells.canvas(fig, 6.4, 3.9)
    n = img.shape[0]
    cell = 0.2
    cells.grid(ax, 0.25, 2.75, img, cell, vmax=1, strength=0.6)
    ax.text(0.25 + n * cell / 2, 3.05, t["image"].format(n=n), ha="center", va="center", fontsize=12)
    kc, rc = 0.22, 0.19  # kernel and response cell sizes
    for idx, (name, k, _scale) in enumerate(BANK):
        r, c = divmod(idx, 2)
        x0, top = 2.3 + c * 2.05, 3.35 - r * 1.75
        rx = x0 + 3 * kc + 0.1
        resp = out[name]
        ax.text(x0 + (rx + 6 * rc - x0) / 2, top + 0.2, t[name], ha="center", va="center")
        ktop = top - (resp.shape[0] * rc - 3 * kc) / 2
        text = [[cells.number(v) for v in row] for row in k]
        cells.grid(ax, x0, ktop, k, kc, vmax=np.abs(k).max(), text=text, fontsize=11, strength=0.45)
        cells.grid(ax, rx, top, resp, rc, vmax=np.abs(resp).max())
    for i, (colour, key) in enumerate(((C.accent, "pos"), (C.accent2, "neg"))):  # legend
        x = 0.35 + i * 1.0
        cells.fill_cells(ax, [(x, 0.6, 0.2, 0.2)], colour, alpha=0.8)
        ax.text(x + 0.28, 0.7, t[key], ha="left", va="center", fontsize=12)


# ---- cross-correlation vs true convolution: the page's step edge ----------------------------------
def step_image() -> np.ndarray:
    """The page's example: a 6×8 image, 0 in columns 0–3 and 10 in columns 4–7."""
    img = np.zeros((6, 8))
    img[:, 4:] = 10.0
    return img


def true_conv_valid(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Mathematical convolution, valid part: cross-correlation with the kernel rotated 180°."""
    return nn.conv2d(x, k[::-1, ::-1])


def number_grid(ax, x0, top, values, cell, text_gid):
    v = np.asarray(values)
    cells.grid(ax, x0, top, v, cell, vmax=max(np.abs(v).max(), 1), strength=0.45)
    for (i, j), value in np.ndenumerate(v):
        ax.text(
            x0 + (j + 0.5) * cell,
            top - (i + 0.5) * cell,
            cells.number(value),
            ha="center",
            va="center",
            fontsize=11,
            gid=text_gid,
        )


@figure("q09/polarity", size=(6.4, 3.6))
def polarity(fig, t):
    """The page's step edge (0 on the left, 10 on the right) filtered with Sobel x: cross-
    correlation gives +40 in the two columns that straddle the edge, true convolution −40
    (rotating Sobel x by 180° negates it); 0 everywhere else."""
    img = step_image()
    xc, tc = nn.conv2d(img, SOBEL), true_conv_valid(img, SOBEL)
    ax = cells.canvas(fig, 6.4, 3.6)
    cell, rcell = 0.27, 0.32
    x0, top = 0.3, 2.85
    number_grid(ax, x0, top, img, cell, "fact-img")
    ax.text(x0 + 4 * cell, top + 0.25, t["step"], ha="center", va="center", fontsize=12)
    kx, ktop = x0 + 1.5 * cell, top - 6 * cell - 0.25
    text = [[cells.number(v) for v in row] for row in SOBEL]
    cells.grid(ax, kx, ktop, SOBEL, 0.22, vmax=2, text=text, fontsize=11, strength=0.45)
    ax.text(kx + 0.66 + 0.15, ktop - 0.33, t["kernel"], ha="left", va="center", fontsize=12)
    rx = 4.0
    for r, (values, key, gid) in enumerate(((xc, "xcorr", "fact-xcorr"), (tc, "conv", "fact-conv"))):
        rtop = 3.25 - r * 1.8
        number_grid(ax, rx, rtop, values, rcell, gid)
        peak = values[np.unravel_index(np.argmax(np.abs(values)), values.shape)]
        ax.text(rx + 3 * rcell, rtop + 0.22, t[key].format(v=cells.number(peak)), ha="center", va="center", fontsize=12)
        cells.arrow(ax, (x0 + 8 * cell + 0.15, top - 3 * cell), (rx - 0.15, rtop - 2 * rcell))


# ---- frequency responses -------------------------------------------------------------------------
def horizontal_gain(kernel: np.ndarray, size: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """|H| along the horizontal frequency axis (vertical frequency 0), from 0 to π: the first row
    of |fft2(kernel, (size, size))|, as the page's code computes it at size 32."""
    h = np.abs(np.fft.fft2(kernel, (size, size)))[0, : size // 2 + 1]
    return np.linspace(0, np.pi, size // 2 + 1), h


@figure("q09/frequency", size=(6.4, 3.2))
def frequency(fig, t):
    """Along the horizontal frequency: the box kernel passes low frequencies (1 at 0, a zero at
    2π/3, a side lobe to 1/3 at π), the Laplacian high ones (0 at 0, largest at π), Sobel x a
    band (0 at 0 and at π, largest at π/2). Each curve divided by its maximum."""
    fig.subplots_adjust(left=0.08, right=0.6, bottom=0.2, top=0.88)
    ax = fig.add_subplot()
    curves = ((BOX, "box", C.accent, "-"), (LAPLACE, "lap", C.accent2, "--"), (SOBEL, "sob", C.accent3, "-."))
    for kernel, key, colour, style in curves:
        w, h = horizontal_gain(kernel)
        ax.plot(w, h / h.max(), color=colour, ls=style, label=t[key], gid=f"fact-curve-{key}")
    ax.set_xlim(0, np.pi)
    ax.set_ylim(0, 1.05)
    ax.set_xticks([0, np.pi / 2, 2 * np.pi / 3, np.pi], ["0", "π/2", "2π/3", "π"])
    ax.set_yticks([0, 0.5, 1])
    ax.set_xlabel(t["freq"])
    ax.set_title(t["gain"], loc="left", fontsize=12)
    ax.grid(True, lw=0.5)
    ax.legend(loc="center left", bbox_to_anchor=(1.03, 0.5), fontsize=12, handlelength=2.2)

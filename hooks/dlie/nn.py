"""Reference implementations of the formulas the pages state (NumPy only). Figures draw with
these functions, and tests check that each page's runnable code computes the same values, so a
figure cannot disagree with its page."""

from __future__ import annotations

import math

import numpy as np


# ---- convolution arithmetic (questions 4, 6, 7, 8, 20, 23, 24) ------------------------------
def conv_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, ceil_mode: bool = False) -> int:
    """Output size of a convolution or pooling window along one axis: floor((n + 2p − d(k−1) − 1)/s) + 1
    (ceil with ``ceil_mode``, as PyTorch's pooling: a window must start inside the input or left padding)."""
    span = d * (k - 1) + 1
    if ceil_mode:
        out = math.ceil((n + 2 * p - span) / s) + 1
        if (out - 1) * s >= n + p:  # the last window would start in the right padding
            out -= 1
        return out
    return (n + 2 * p - span) // s + 1


def window_cover(n: int, k: int, s: int = 1, p: int = 0, ceil_mode: bool = False) -> np.ndarray:
    """How many windows read each of the n input positions along one axis (padding excluded):
    the windows start at −p, −p + s, …, as many as ``conv_out`` gives. In 2-D the count of a
    pixel is the outer product of its row's and its column's counts."""
    starts = np.arange(conv_out(n, k, s, p, ceil_mode=ceil_mode)) * s - p
    i = np.arange(n)[:, None]
    return np.sum((starts <= i) & (i < starts + k), axis=1)


def receptive_field(layers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Receptive field size and jump after each (kernel, stride) layer: r += (k − 1)·j, j *= s."""
    r, j, out = 1, 1, []
    for k, s in layers:
        r += (k - 1) * j
        j *= s
        out.append((r, j))
    return out


def conv2d(x: np.ndarray, w: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Single-channel cross-correlation (what deep-learning libraries call convolution)."""
    x = np.pad(x, padding)
    k = w.shape[0]
    n = conv_out(x.shape[0], k, stride), conv_out(x.shape[1], k, stride)
    out = np.empty(n)
    for i in range(n[0]):
        for j in range(n[1]):
            out[i, j] = np.sum(x[i * stride : i * stride + k, j * stride : j * stride + k] * w)
    return out


def pool2d(x: np.ndarray, k: int, stride: int, mode: str = "max") -> np.ndarray:
    n = conv_out(x.shape[0], k, stride), conv_out(x.shape[1], k, stride)
    f = np.max if mode == "max" else np.mean
    return np.array(
        [[f(x[i * stride : i * stride + k, j * stride : j * stride + k]) for j in range(n[1])] for i in range(n[0])]
    )


# ---- activations (questions 5, 26) ----------------------------------------------------------
def relu(x):
    return np.maximum(x, 0.0)


def relu_grad(x):
    return (np.asarray(x) > 0).astype(float)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh_grad(x):
    return 1.0 - np.tanh(x) ** 2


def leaky_relu(x, a: float = 0.01):
    return np.where(np.asarray(x) > 0, x, a * np.asarray(x))


def softmax(z, axis: int = -1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# ---- learning-rate schedules (question 18) ---------------------------------------------------
# t counts steps from 0 to total − 1; with ``warmup`` > 0 the first ``warmup`` steps rise linearly
# to ``base`` (base·(t + 1)/warmup) and the decay starts after them, as in the page's code.
def warmup_lr(t, base: float, warmup: int):
    """Linear warmup: base·(t + 1)/warmup, reaching base at step warmup − 1."""
    return base * (np.asarray(t, dtype=float) + 1) / warmup


def step_lr(t, base: float, step: float, gamma: float, warmup: int = 0):
    """Step decay: base·γ^⌊t/s⌋ (``step`` s may be fractional: T/3 decays at a third of training)."""
    t = np.asarray(t, dtype=float)
    decay = base * gamma ** ((t - warmup) // step)
    return np.where(t < warmup, warmup_lr(t, base, max(warmup, 1)), decay) if warmup else decay


def exp_lr(t, base: float, gamma: float):
    return base * gamma ** np.asarray(t, dtype=float)


def cosine_lr(t, base: float, total: int, floor: float = 0.0):
    t = np.asarray(t, dtype=float)
    return floor + 0.5 * (base - floor) * (1 + np.cos(np.pi * t / total))


def warmup_cosine_lr(t, base: float, warmup: int, total: int, floor: float = 0.0):
    """Linear warmup over ``warmup`` steps, then cosine from base to floor over the other steps."""
    t = np.asarray(t, dtype=float)
    decay = cosine_lr(t - warmup, base, total - warmup, floor)
    return np.where(t < warmup, warmup_lr(t, base, warmup), decay)

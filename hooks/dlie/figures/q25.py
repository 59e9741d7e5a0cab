"""Figures of question 25 (backpropagation: the computation graph of the page's two-layer network,
and gradients adding up where a variable forks)."""

from __future__ import annotations

import numpy as np

from dlie.figures import cells, figure
from dlie.figures.diagram import arrow, box, canvas, node
from dlie.figures.style import C

KEEP = {"tanh", "softmax", "onehot"}

LABELS = {
    "zh": {
        "forward": "前向",
        "backward": "反向：v̄ = ∂L/∂v",
        "stored": "绿框：前向保存、反向要用的量",
        "sgd": "优化器走一步 SGD（学习率 {lr:g}）：L 从 {a:.2f} 降到 {b:.2f}",
        "value": "前向值",
        "grad": "梯度",
        "identity": "恒等分支",
        "sum": "x 用了两次，梯度相加：",
    },
    "en": {
        "forward": "forward",
        "backward": "backward: v̄ = ∂L/∂v",
        "stored": "green boxes: kept from the forward pass for the backward pass",
        "sgd": "one SGD step by the optimizer (lr {lr:g}): L goes from {a:.2f} to {b:.2f}",
        "value": "forward value",
        "grad": "gradient",
        "identity": "identity branch",
        "sum": "x is used twice, so its gradients add:",
    },
}

# the page's code: N samples, input dim D, hidden dim H, C classes, seed 0, SGD learning rate 0.1
N, D, H, C_CLS, LR = 8, 5, 6, 3, 0.1


def network():
    """The page's data and initial parameters, drawn in the page's order from default_rng(0)."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(N, D)), rng.integers(0, C_CLS, size=N)
    P = {"W1": rng.normal(size=(D, H)) * 0.5, "b1": np.zeros(H), "W2": rng.normal(size=(H, C_CLS)) * 0.5}
    P["b2"] = np.zeros(C_CLS)
    return X, y, P


def loss_and_grads(X, y, P):
    """Forward (tanh hidden layer, softmax cross-entropy averaged over the batch) and backward,
    by the formulas the figure writes next to each node."""
    z1 = X @ P["W1"] + P["b1"]
    a1 = np.tanh(z1)
    s = a1 @ P["W2"] + P["b2"]
    p = np.exp(s - s.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    L = -np.mean(np.log(p[np.arange(len(y)), y]))
    ds = p.copy()
    ds[np.arange(len(y)), y] -= 1
    ds /= len(y)  # s̄ = (p − e_y)/N
    dz1 = (ds @ P["W2"].T) * (1 - a1**2)  # z̄₁ = ā₁ ⊙ (1 − a₁²), ā₁ = s̄ W₂ᵀ
    return L, {"W2": a1.T @ ds, "b2": ds.sum(0), "W1": X.T @ dz1, "b1": dz1.sum(0)}


def sgd_losses() -> tuple[float, float]:
    """The loss before and after one SGD step with the page's learning rate."""
    X, y, P = network()
    L, g = loss_and_grads(X, y, P)
    return L, loss_and_grads(X, y, {k: v - LR * g[k] for k, v in P.items()})[0]


# the graph: (variable, forward formula, shape, backward formula, parameters feeding it)
GRAPH = (
    ("X", "X", (N, D), None, ()),
    ("z1", "z₁ = XW₁ + b₁", (N, H), "z̄₁ = ā₁ ⊙ (1 − a₁²)", (("W₁", (D, H), "W̄₁ = Xᵀz̄₁"), ("b₁", (H,), "b̄₁ = Σₙ z̄₁"))),
    ("a1", "a₁ = tanh(z₁)", (N, H), "ā₁ = s̄ W₂ᵀ", ()),
    (
        "s",
        "s = a₁W₂ + b₂",
        (N, C_CLS),
        "s̄ = (p − onehot(y))/N",
        (("W₂", (H, C_CLS), "W̄₂ = a₁ᵀs̄"), ("b₂", (C_CLS,), "b̄₂ = Σₙ s̄")),
    ),
    ("L", "L = CE(softmax(s), y)", (), "L̄ = 1", ()),
)
STORED = ("X", "a1")  # what the backward formulas read from the forward pass (besides p and W₂)


def shape_text(shape) -> str:
    return "×".join(map(str, shape))


@figure("q25/graph", size=(5.5, 5.5))
def graph(fig, t):
    """The computation graph of the page's two-layer network, forward downwards (each node's
    formula and shape; the loss L = 1.23), backward upwards (accent2: each adjoint's formula,
    next to the node, and each parameter's gradient under it). X and a₁ are kept from the forward
    pass because the backward formulas read them. One SGD step then lowers L to 1.19."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    L0, L1 = sgd_losses()
    cx, xp, xb = 164, 42, 244  # centre column, parameter column, backward column
    step, top, bh = 70, height - 52, 36
    ax.text(cx, height - 14, t["forward"], ha="center", va="center", color=C.accent, fontweight="bold")
    ax.text(xb + 2, height - 14, t["backward"], ha="left", va="center", color=C.accent2, fontweight="bold")
    ys = [top - i * step for i in range(len(GRAPH))]
    for i, ((name, formula, shape, back, params), y) in enumerate(zip(GRAPH, ys, strict=True)):
        stored = name in STORED
        bw = 150
        box(
            ax,
            cx,
            y,
            bw,
            bh,
            face=C.fill3 if stored else C.fill4,
            edge=C.accent3 if stored else C.muted,
            lw=2 if stored else 1.2,
            gid=f"fact-node-{name}",
        )
        ax.text(cx, y + 7, formula, ha="center", va="center")
        below = f"= {L0:.2f}" if name == "L" else shape_text(shape)
        ax.text(
            cx,
            y - 10,
            below,
            ha="center",
            va="center",
            color=C.fg if name == "L" else C.muted,
            gid=f"fact-value-{name}",
        )
        if i:
            arrow(ax, (cx - 20, ys[i - 1] - bh / 2), (cx - 20, y + bh / 2), color=C.accent)
            arrow(ax, (cx + 20, y + bh / 2), (cx + 20, ys[i - 1] - bh / 2), color=C.accent2)
        if back:
            ax.text(xb + 2, y, back, ha="left", va="center", color=C.accent2, gid=f"fact-back-{name}")
        for k, (pname, pshape, pgrad) in enumerate(params):
            py = y + 24 - k * 44
            box(ax, xp, py, 64, 20, f"{pname} {shape_text(pshape)}", face=C.fill4, edge=C.muted, size=13)
            arrow(ax, (xp + 32, py), (cx - bw / 2, y + 8 - k * 16), color=C.accent)
            ax.text(xp, py - 18, pgrad, ha="center", va="center", color=C.accent2, gid="fact-param-grad")
    ax.text(width / 2, 32, t["stored"], ha="center", va="center", color=C.accent3)
    ax.text(width / 2, 12, t["sgd"].format(lr=LR, a=L0, b=L1), ha="center", va="center", gid="fact-sgd")


# ---- a variable used twice: the residual fork --------------------------------------------------
X0, W0 = 0.5, 2.0  # input and weight of the scalar example


def fork(x: float = X0, w: float = W0) -> dict[str, float]:
    """L = ½h², h = x + tanh(w·x): forward values, and the backward pass by the chain rule; x
    feeds both the identity branch and the product, so x̄ is the sum of the two paths."""
    u = w * x
    a = float(np.tanh(u))
    h = x + a
    L = 0.5 * h * h
    dh = h  # dL/dh
    da = dh
    du = da * (1 - a * a)  # tanh'(u) = 1 − tanh²(u)
    dw = du * x
    dx_branch, dx_identity = du * w, dh
    return {
        "x": x,
        "w": w,
        "u": u,
        "a": a,
        "h": h,
        "L": L,
        "dh": dh,
        "da": da,
        "du": du,
        "dw": dw,
        "dx_branch": dx_branch,
        "dx_identity": dx_identity,
        "dx": dx_branch + dx_identity,
    }


def num(v: float) -> str:
    return cells.number(v, "{:.2f}")


@figure("q25/fork", size=(5.5, 3.1))
def fork_figure(fig, t):
    """The scalar graph L = ½h², h = x + tanh(w·x) at x = 0.5, w = 2: forward values above each
    wire (accent), gradients below (accent2). x reaches h through the identity branch and through
    w·x, so its gradient is the sum 1.26 + 1.06 = 2.32."""
    ax = canvas(fig)
    width, height = (v * 72 for v in fig.get_size_inches())
    f = fork()
    y, y_id = 106, 170  # main wire, identity branch
    ops = {"×": 96, "tanh": 178, "+": 256, "½h²": 330}
    x_in = 20
    for label, x in ops.items():
        node(ax, x, y, label, r=16 if len(label) > 1 else 11, size=13)

    def wire(x1, x2, yy, name, value, grad, gid):
        arrow(ax, (x1, yy), (x2, yy), color=C.muted)
        mid = (x1 + x2) / 2
        ax.text(mid, yy + 11, f"{name} = {num(value)}", ha="center", va="center", color=C.accent, gid=f"fact-v-{gid}")
        ax.text(mid, yy - 12, num(grad), ha="center", va="center", color=C.accent2, gid=f"fact-g-{gid}")

    wire(x_in + 14, ops["×"] - 11, y, "x", f["x"], f["dx_branch"], "x")
    wire(ops["×"] + 11, ops["tanh"] - 16, y, "u", f["u"], f["du"], "u")
    wire(ops["tanh"] + 16, ops["+"] - 11, y, "a", f["a"], f["da"], "a")
    wire(ops["+"] + 11, ops["½h²"] - 16, y, "h", f["h"], f["dh"], "h")
    ax.text(ops["½h²"] + 20, y, f"L = {num(f['L'])}", ha="left", va="center", color=C.accent, gid="fact-v-L")
    ax.text(x_in, y, "x", ha="center", va="center", fontstyle="italic", fontweight="bold")
    # the weight enters the product from below
    ax.plot([ops["×"] - 40, ops["×"] - 8], [y - 46, y - 8], color=C.muted, lw=1.4)
    ax.text(ops["×"] - 44, y - 52, f"w = {num(f['w'])}", ha="center", va="center", color=C.accent, gid="fact-v-w")
    ax.text(ops["×"] + 6, y - 44, f"w̄ = {num(f['dw'])}", ha="left", va="center", color=C.accent2, gid="fact-g-w")
    # the identity branch: x straight to the addition
    ax.plot([x_in, x_in, ops["+"]], [y + 10, y_id, y_id], color=C.accent4, lw=1.6)
    arrow(ax, (ops["+"], y_id), (ops["+"], y + 11), color=C.accent4, lw=1.6)
    ax.text((x_in + ops["+"]) / 2, y_id + 12, t["identity"], ha="center", va="center", color=C.accent4)
    ax.text(
        (x_in + ops["+"]) / 2,
        y_id - 12,
        num(f["dx_identity"]),
        ha="center",
        va="center",
        color=C.accent2,
        gid="fact-g-identity",
    )
    total = f"x̄ = {num(f['dx_identity'])} + {num(f['dx_branch'])} = {num(f['dx'])}"
    ax.text(width / 2, 30, t["sum"], ha="center", va="center")
    ax.text(width / 2, 10, total, ha="center", va="center", color=C.accent2, fontweight="bold", gid="fact-g-total")
    ax.text(width - 8, height - 12, t["value"], ha="right", va="center", color=C.accent)
    ax.text(width - 8, height - 30, t["grad"], ha="right", va="center", color=C.accent2)

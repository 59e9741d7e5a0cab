"""Figures of question 14 (multi-task learning: shared-bottom, MMoE, PLE; ESMM; gradient conflict)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle

from dlie import nn
from dlie.figures import figure
from dlie.figures.diagram import arrow, box, canvas, node, polyline
from dlie.figures.style import C

LABELS = {
    "zh": {
        "shared-bottom": "共享底层",
        "mmoe": "MMoE",
        "ple": "PLE（一层 CGC）",
        "bottom": "共享底层",
        "tower": "塔 {k}",
        "gate": "门 {k}",
        "own-a": "任务 A 专属",
        "own-b": "任务 B 专属",
        "shared": "共享",
        "features": "每次曝光的特征 x（全部曝光）",
        "embedding": "共享嵌入",
        "ctr-tower": "CTR 塔",
        "cvr-tower": "CVR 塔",
        "loss-ctr": "损失：点击 y",
        "loss-ctcvr": "损失：y·z",
        "no-label": "无直接标签",
        "gradient": "梯度",
        "opt1": "任务 1 最优点 a",
        "opt2": "任务 2 最优点 b",
        "w": "共享参数 w",
        "step": "只按任务 1 走一步",
        "dot": "g₁·g₂ = {v:.2f} < 0（钝角）",
        "l1": "L₁：{a:.2f} → {b:.2f}",
        "l2": "L₂：{a:.2f} → {b:.2f}",
        "level": "虚线：过 w 的等损失线",
    },
    "en": {
        "shared-bottom": "shared bottom",
        "mmoe": "MMoE",
        "ple": "PLE (one CGC layer)",
        "bottom": "shared bottom",
        "tower": "tower {k}",
        "gate": "gate {k}",
        "own-a": "task A's own",
        "own-b": "task B's own",
        "shared": "shared",
        "features": "features x of every impression",
        "embedding": "shared embedding",
        "ctr-tower": "CTR tower",
        "cvr-tower": "CVR tower",
        "loss-ctr": "loss: click y",
        "loss-ctcvr": "loss: y·z",
        "no-label": "no direct label",
        "gradient": "gradient",
        "opt1": "task 1 optimum a",
        "opt2": "task 2 optimum b",
        "w": "shared parameters w",
        "step": "one step on task 1 only",
        "dot": "g₁·g₂ = {v:.2f} < 0 (obtuse)",
        "l1": "L₁: {a:.2f} → {b:.2f}",
        "l2": "L₂: {a:.2f} → {b:.2f}",
        "level": "dashed: equal-loss lines through w",
    },
}
KEEP = {"MMoE", "pCTR", "pCVR", "pCTCVR"}

TASKS = ("A", "B")  # the page's code: T = 2 tasks, E = 3 experts
N_EXPERTS = 3
TASK_COLOUR = {"A": (C.accent, C.fill), "B": (C.accent2, C.fill2)}


def experts(kind: str) -> list[str]:
    """Who owns each expert (bottom-row box) of a structure: a task name or "shared"."""
    return {"shared-bottom": ["shared"], "mmoe": ["shared"] * N_EXPERTS, "ple": ["A", "shared", "B"]}[kind]


def gate_inputs(kind: str) -> dict[str, tuple[int, ...]]:
    """Which experts feed each task's tower: shared-bottom, the one bottom; MMoE, every expert
    (through the task's own gate); PLE's CGC, the task's own experts plus the shared ones."""
    owners = experts(kind)
    if kind == "ple":
        return {k: tuple(i for i, o in enumerate(owners) if o in (k, "shared")) for k in TASKS}
    return {k: tuple(range(len(owners))) for k in TASKS}


@figure("q14/sharing", size=(6.4, 3.9))
def sharing(fig, t):
    """Shared-bottom, MMoE and one CGC layer of PLE, data flowing upwards: in MMoE every task's
    gate mixes all (shared) experts; in PLE each gate mixes only its task's own expert and the
    shared one; each gate also takes x (a thin edge, gid fact-gate-input-<kind>-<task>). Expert
    edges carry gids fact-edge-<kind>-<task>-<expert>."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    panel = width / 3
    y_in, y_exp, y_gate, y_tower = 58, 110, 165, 218
    for p, kind in enumerate(("shared-bottom", "mmoe", "ple")):
        cx = panel * (p + 0.5)
        ax.text(cx, 258, t[kind], ha="center", va="center", fontweight="bold")
        owners = experts(kind)
        if kind == "shared-bottom":
            xs, w = [cx], 120
        else:
            xs, w = [cx + (i - 1) * 46 for i in range(len(owners))], 38
        ax.text(cx, y_in - 18, "x", ha="center", va="center", fontstyle="italic")
        for i, (x, owner) in enumerate(zip(xs, owners, strict=True)):
            edge, face = TASK_COLOUR.get(owner, (C.muted, C.fill4))
            label = t["bottom"] if kind == "shared-bottom" else f"E{i + 1}"
            box(ax, x, y_exp, w, 28, label, face=face, edge=edge, size=12)
            arrow(ax, (cx + (x - cx) * 0.15, y_in - 8), (x, y_exp - 14), lw=1)
        for k, task in enumerate(TASKS):
            tx = cx + (k - 0.5) * 70
            colour, fill = TASK_COLOUR[task]
            box(ax, tx, y_tower, 62, 26, t["tower"].format(k=task), face=fill, edge=colour, size=12)
            if kind == "shared-bottom":
                arrow(ax, (tx, y_exp + 14), (tx, y_tower - 13), color=colour, gid=f"fact-edge-{kind}-{task}-0")
                continue
            box(ax, tx, y_gate, 54, 22, t["gate"].format(k=task), face=C.bg, edge=colour, size=12)
            arrow(ax, (tx, y_gate + 11), (tx, y_tower - 13), color=colour)
            # the gate also reads x: a thin edge around the outside of the expert row
            side = -1 if k == 0 else 1
            outer = cx + side * (max(abs(x - cx) for x in xs) + w / 2 + 7)
            polyline(
                ax,
                [(cx + side * 8, y_in - 18), (outer, y_in - 18), (outer, y_gate), (tx + side * 27, y_gate)],
                color=C.muted,
                lw=0.9,
                gid=f"fact-gate-input-{kind}-{task}",
            )
            for e in gate_inputs(kind)[task]:
                shift = (k - 0.5) * 8  # the two tasks' edges leave an expert side by side
                arrow(
                    ax,
                    (xs[e] + shift, y_exp + 14),
                    (tx + (xs[e] - tx) * 0.25, y_gate - 11),
                    color=colour,
                    lw=1.2,
                    gid=f"fact-edge-{kind}-{task}-{e}",
                )
    for k, (key, (edge, face)) in enumerate(
        (("own-a", TASK_COLOUR["A"]), ("shared", (C.muted, C.fill4)), ("own-b", TASK_COLOUR["B"]))
    ):
        x = width / 2 - 150 + k * 110
        box(ax, x, 14, 14, 14, face=face, edge=edge)
        ax.text(x + 12, 14, t[key], ha="left", va="center", fontsize=12)


# the page's code: logits of the CTR and CVR towers for one impression
Z_CTR, Z_CVR = 0.3, -0.5


def esmm_probabilities(z_ctr: float = Z_CTR, z_cvr: float = Z_CVR) -> tuple[float, float, float]:
    """(pCTR, pCVR, pCTCVR = pCTR × pCVR) from the two towers' logits."""
    p_ctr, p_cvr = float(nn.sigmoid(z_ctr)), float(nn.sigmoid(z_cvr))
    return p_ctr, p_cvr, p_ctr * p_cvr


@figure("q14/esmm", size=(6.4, 3.9))
def esmm(fig, t):
    """ESMM: two towers on a shared embedding of every impression; pCTCVR = pCTR × pCVR; the
    losses supervise pCTR (click y) and pCTCVR (y·z) only, and the CVR tower learns from the
    gradient through the product. Numbers are the page's example logits (0.3, −0.5)."""
    ax = canvas(fig)
    p_ctr, p_cvr, p_ctcvr = esmm_probabilities()
    x_ctr, x_cvr, x_mid = 130, 290, 210
    ax.text(x_mid, 20, t["features"], ha="center", va="center", fontsize=12)
    arrow(ax, (x_mid, 30), (x_mid, 50))
    box(ax, x_mid, 64, 240, 28, t["embedding"], face=C.fill4, edge=C.muted)
    for x, key, colour, fill in ((x_ctr, "ctr-tower", C.accent, C.fill), (x_cvr, "cvr-tower", C.accent3, C.fill3)):
        arrow(ax, (x, 78), (x, 98))
        box(ax, x, 112, 104, 28, t[key], face=fill, edge=colour)
        arrow(ax, (x, 126), (x, 146))
    ax.text(x_ctr, 158, f"pCTR = {p_ctr:.2f}", ha="center", va="center", color=C.accent, gid="fact-pctr")
    ax.text(x_cvr, 158, f"pCVR = {p_cvr:.2f}", ha="center", va="center", color=C.accent3, gid="fact-pcvr")
    node(ax, x_mid, 205, "×", r=11)
    arrow(ax, (x_ctr + 10, 170), (x_mid - 9, 198))
    arrow(ax, (x_cvr - 10, 170), (x_mid + 9, 198))
    arrow(ax, (x_mid, 216), (x_mid, 234))
    ax.text(x_mid, 246, f"pCTCVR = {p_ctcvr:.2f}", ha="center", va="center", fontweight="bold", gid="fact-pctcvr")
    ax.text(x_ctr - 56, 158, t["loss-ctr"], ha="right", va="center", fontsize=12, color=C.accent4)
    ax.text(x_mid + 72, 246, t["loss-ctcvr"], ha="left", va="center", fontsize=12, color=C.accent4)
    ax.text(x_cvr + 8, 138, t["no-label"], ha="left", va="center", fontsize=12, color=C.muted)
    # the CTCVR loss reaches the CVR tower through the product: gradient from every impression
    polyline(
        ax,
        [(x_mid + 140, 246), (420, 246), (420, 112), (x_cvr + 53, 112)],
        color=C.accent4,
        dashed=True,
    )
    ax.text(414, 190, t["gradient"], ha="right", va="center", fontsize=12, color=C.accent4)


# the page's code, part 4: task optima a and b, shared parameters w, learning rate 0.1
OPT_A, OPT_B, W0, LR = np.array([1.0, 0.0]), np.array([-1.0, 0.2]), np.zeros(2), 0.1


def conflict_step():
    """Gradients of L_k(w) = ‖w − opt_k‖² at w, one step on task 1, and both losses before and
    after: (g1, g2, w_new, (L1 before, after), (L2 before, after))."""
    g1, g2 = 2 * (W0 - OPT_A), 2 * (W0 - OPT_B)
    w_new = W0 - LR * g1

    def loss(w, opt):
        return float(((w - opt) ** 2).sum())

    return g1, g2, w_new, (loss(W0, OPT_A), loss(w_new, OPT_A)), (loss(W0, OPT_B), loss(w_new, OPT_B))


@figure("q14/gradient-conflict", size=(6.4, 4.0))
def gradient_conflict(fig, t):
    """Two quadratic task losses with optima a and b; at the shared parameters w their gradients
    form an obtuse angle, so one gradient step on task 1 moves w inside task 1's equal-loss circle
    through w (L1 falls) and outside task 2's (L2 rises)."""
    ax = fig.add_axes((0, 0, 1, 1))
    w_in, h_in = fig.get_size_inches()
    xlim = (-2.3, 2.3)
    yspan = (xlim[1] - xlim[0]) * h_in / w_in
    ax.set_xlim(*xlim)
    ax.set_ylim(-1.08, -1.08 + yspan)
    ax.axis("off")
    g1, g2, w_new, l1, l2 = conflict_step()
    for opt, colour, key, dy in ((OPT_A, C.accent, "opt1", 0.16), (OPT_B, C.accent2, "opt2", 0.16)):
        ax.add_patch(Circle(opt, float(np.linalg.norm(W0 - opt)), fill=False, edgecolor=colour, lw=1.5, ls=(0, (5, 4))))
        ax.plot(*opt, marker="o", ms=7, color=colour)
        ax.text(opt[0], opt[1] + dy, t[key], ha="center", va="center", fontsize=12, color=colour)
    ax.plot(*W0, marker="o", ms=5, color=C.fg)
    ax.text(W0[0] - 0.08, W0[1] - 0.14, t["w"], ha="right", va="center", fontsize=12)
    ax.annotate(
        "",
        xy=tuple(w_new),
        xytext=tuple(W0),
        arrowprops={"arrowstyle": "-|>,head_length=0.45,head_width=0.22", "color": C.fg, "lw": 2, "shrinkA": 4},
    )
    ax.text(W0[0] + 0.08, W0[1] - 0.14, t["step"], ha="left", va="center", fontsize=12)
    top = -1.08 + yspan
    ax.text(
        0, top - 0.12, t["dot"].format(v=float(g1 @ g2)).replace("-", "−"), ha="center", va="center", gid="fact-dot"
    )
    ax.text(0.15, top - 0.36, t["l1"].format(a=l1[0], b=l1[1]), ha="left", va="center", color=C.accent, gid="fact-l1")
    ax.text(
        -0.15, top - 0.36, t["l2"].format(a=l2[0], b=l2[1]), ha="right", va="center", color=C.accent2, gid="fact-l2"
    )
    ax.text(xlim[0] + 0.05, -0.98, t["level"], ha="left", va="center", fontsize=12, color=C.muted)

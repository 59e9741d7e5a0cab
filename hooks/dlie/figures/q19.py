"""Figures of question 19 (data augmentation): label-preserving and label-mixing augmentations
of a small synthetic image drawn as cells, and CL4SRec's three augmentations of a behaviour
sequence exactly as the page's code draws them."""

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
        "original": "原图 A",
        "other": "另一张图 B",
        "crop": "随机裁剪",
        "flip": "水平翻转",
        "jitter": "颜色扰动",
        "cutout": "Cutout",
        "mixup": "mixup λ = {lam:g}",
        "cutmix": "CutMix",
        "label": "标签 {y}",
        "mixed": "{a:g} A + {b:g} B",
        "keep": "上排与 Cutout：标签不变；mixup、CutMix：标签按比例混合",
        "seq": "原序列",
        "seq-crop": "物品裁剪（η = {eta:g}）：连续 {k} 个",
        "seq-mask": "物品遮盖（γ = {gamma:g}）：{k} 个位置换成 [mask]",
        "seq-reorder": "物品重排（β = {beta:g}）：连续 {k} 个打乱",
        "mask-key": "M 即 [mask]；数字为物品 ID",
    },
    "en": {
        "original": "original A",
        "other": "another image B",
        "crop": "random crop",
        "flip": "horizontal flip",
        "jitter": "color jitter",
        "cutout": "Cutout",
        "mixup": "mixup λ = {lam:g}",
        "cutmix": "CutMix",
        "label": "label {y}",
        "mixed": "{a:g} A + {b:g} B",
        "keep": "top row and Cutout keep the label; mixup and CutMix mix it",
        "seq": "original sequence",
        "seq-crop": "item crop (η = {eta:g}): {k} in a row",
        "seq-mask": "item mask (γ = {gamma:g}): {k} positions → [mask]",
        "seq-reorder": "item reorder (β = {beta:g}): {k} in a row shuffled",
        "mask-key": "M is [mask]; numbers are item IDs",
    },
}
KEEP = {"Cutout", "mixup", "CutMix", "mask"}

# ---- a small synthetic image: an arrow pointing right (A) and a diamond (B), 8 × 8, values 0–1 ------
ARROW = """
........
....#...
....##..
#######.
#######.
....##..
....#...
........
"""
DIAMOND = """
...##...
..####..
.######.
########
########
.######.
..####..
...##...
"""


def picture(art: str, shade: bool = False) -> np.ndarray:
    """An 8 × 8 image from its drawing; with ``shade`` the values grow from 0.4 on the left to
    1 on the right, so that a flip and a change of brightness show."""
    img = np.array([[1.0 if ch == "#" else 0.0 for ch in row] for row in art.strip().splitlines()])
    if shade:
        img *= np.linspace(0.4, 1.0, img.shape[1])
    return img


IMG_A, IMG_B = picture(ARROW, shade=True), picture(DIAMOND)
SIDE = IMG_A.shape[0]
CROP = (1, 1, 6)  # top, left, side of the random crop (resized back to 8 × 8 for the network)
BRIGHTNESS = 0.6  # color jitter: brightness factor
CUTOUT = (2, 1, 3)  # top, left, side of the erased square
LAMBDA = 0.7  # mixup weight of A
CUTMIX = (2, 4, 4)  # top, left, side of the box pasted from B


def crop(img, top, left, side):
    return img[top : top + side, left : left + side]


def flip(img):
    return img[:, ::-1]


def jitter(img, brightness=BRIGHTNESS):
    return np.clip(img * brightness, 0, 1)


def cutout(img, top, left, side):
    out = img.copy()
    out[top : top + side, left : left + side] = 0
    return out


def mixup(a, b, lam=LAMBDA):
    """Input λa + (1 − λ)b; the label gets the same weights."""
    return lam * a + (1 - lam) * b, (lam, 1 - lam)


def cutmix(a, b, top, left, side):
    """A with the box of B pasted in; the label weights are the area shares."""
    out = a.copy()
    out[top : top + side, left : left + side] = b[top : top + side, left : left + side]
    share_b = side * side / a.size
    return out, (1 - share_b, share_b)


def draw_image(ax, x0, top, layers, cell):
    """One image as cells: ``layers`` is a list of (values, colour, weight); each layer fills its
    cells with its colour at opacity weight·value (8 levels), so two layers blend."""
    for values, colour, weight in layers:
        groups: dict[int, list] = {}
        for (i, j), v in np.ndenumerate(values):
            level = round(weight * v * 8)
            if level:
                groups.setdefault(level, []).append((x0 + j * cell, top - (i + 1) * cell, cell, cell))
        for level, boxes in sorted(groups.items()):
            cells.fill_cells(ax, boxes, colour, alpha=0.9 * level / 8)
    n = len(layers[0][0])
    cells.lines(ax, n, n, x0, top, cell, lw=0.6)


@figure("q19/image-augment", size=(5.6, 4.3))
def image_augment(fig, t):
    """An 8 × 8 arrow (A) under random crop, horizontal flip, color jitter and Cutout keeps its
    label A; mixup (λ = 0.7) blends A with a diamond (B) and labels it 0.7 A + 0.3 B; CutMix
    pastes a 4 × 4 box of B and labels it by area, 0.75 A + 0.25 B."""
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    col = width / 4
    size = 80  # every panel is drawn 80 px wide (the crop is resized back, as networks see it)
    a, b = [(IMG_A, C.accent, 1.0)], [(IMG_B, C.accent2, 1.0)]
    mixed, (wa, wb) = mixup(IMG_A, IMG_B)
    pasted, (ca, cb) = cutmix(IMG_A, IMG_B, *CUTMIX)
    cut = crop(IMG_A, *CROP)
    panels = [
        ("original", a, t["label"].format(y="A")),
        ("crop", [(cut, C.accent, 1.0)], t["label"].format(y="A")),
        ("flip", [(flip(IMG_A), C.accent, 1.0)], t["label"].format(y="A")),
        ("jitter", [(jitter(IMG_A), C.accent, 1.0)], t["label"].format(y="A")),
        ("other", b, t["label"].format(y="B")),
        ("cutout", [(cutout(IMG_A, *CUTOUT), C.accent, 1.0)], t["label"].format(y="A")),
        ("mixup", [(IMG_A, C.accent, wa), (IMG_B, C.accent2, wb)], t["mixed"].format(a=wa, b=round(wb, 2))),
        ("cutmix", [(cutout(IMG_A, *CUTMIX), C.accent, 1.0)], t["mixed"].format(a=ca, b=cb)),
    ]
    for p, (key, layers, label) in enumerate(panels):
        row, c = divmod(p, 4)
        x0, top = c * col + (col - size) / 2, 290 - row * 128
        n = len(layers[0][0])
        cell = size / n
        if key == "cutmix":  # A outside the box, B's cells inside it in B's colour
            layers = [*layers, (pasted - cutout(IMG_A, *CUTMIX), C.accent2, 1.0)]
        draw_image(ax, x0, top, layers, cell)
        if key == "cutout":
            tp, lf, sd = CUTOUT
            cells.frame(
                ax, x0 + lf * cell, top - (tp + sd) * cell, sd * cell, sd * cell, colour=C.fg, lw=1.5, ls=(0, (3, 2))
            )
        if key == "cutmix":
            tp, lf, sd = CUTMIX
            cells.frame(
                ax,
                x0 + lf * cell,
                top - (tp + sd) * cell,
                sd * cell,
                sd * cell,
                colour=C.accent2,
                lw=2,
                gid="fact-cutmix-box",
            )
        name = t[key].format(lam=LAMBDA)
        ax.text(x0 + size / 2, top - size - 14, name, ha="center", va="center", fontsize=FS)
        mixes = key in ("mixup", "cutmix")
        ax.text(
            x0 + size / 2,
            top - size - 32,
            label,
            ha="center",
            va="center",
            fontsize=FS,
            color=C.accent2 if mixes else C.muted,
            gid=f"fact-label-{key}",
        )
    ax.text(width / 2, 16, t["keep"], ha="center", va="center", fontsize=FS, color=C.muted)


# ---- CL4SRec on the page's sequence: its draws after the mirror experiment ----------------------------
SEQ_LEN, ETA, GAMMA, BETA, SEED = 10, 0.6, 0.3, 0.4, 0


@lru_cache(maxsize=1)
def page_sequence_augmentations() -> dict:
    """The page's code, replayed: the two mirror tasks draw 12 and 4000 points each, then crop
    start s, the masked positions, reorder start r and the shuffled segment; returns the
    sequence, the three views, s, the masked positions and r."""
    rng = np.random.default_rng(SEED)
    for _ in range(2):  # the symmetric and the asymmetric task
        rng.uniform(-1, 1, (12, 2)), rng.uniform(-1, 1, (4000, 2))
    seq = np.arange(1, SEQ_LEN + 1)
    k_crop, k_mask, k_reorder = int(ETA * SEQ_LEN), int(GAMMA * SEQ_LEN), int(BETA * SEQ_LEN)
    s = int(rng.integers(0, SEQ_LEN - k_crop + 1))
    crop_view = seq[s : s + k_crop]
    masked = rng.choice(SEQ_LEN, k_mask, replace=False)
    mask_view = seq.copy()
    mask_view[masked] = 0
    r = int(rng.integers(0, SEQ_LEN - k_reorder + 1))
    reorder_view = seq.copy()
    reorder_view[r : r + k_reorder] = rng.permutation(seq[r : r + k_reorder])
    return {
        "seq": seq,
        "crop": crop_view,
        "mask": mask_view,
        "reorder": reorder_view,
        "s": s,
        "masked": sorted(int(i) for i in masked),
        "r": r,
    }


@figure("q19/sequence-augment", size=(5.6, 3.6))
def sequence_augment(fig, t):
    """The page's sequence 1–10 and its three CL4SRec views: crop keeps items 5–10 (6 in a row),
    mask replaces positions 0, 5 and 7 by [mask], reorder shuffles positions 4–7 (5, 6, 7, 8 →
    7, 8, 6, 5)."""
    aug = page_sequence_augmentations()
    ax = canvas(fig)
    width = fig.get_size_inches()[0] * 72
    cell = 34
    x0 = (width - SEQ_LEN * cell) / 2
    k_crop, k_mask, k_reorder = len(aug["crop"]), len(aug["masked"]), int(BETA * SEQ_LEN)
    rows = [
        ("seq", aug["seq"], set(), t["seq"]),
        ("crop", aug["crop"], set(), t["seq-crop"].format(eta=ETA, k=k_crop)),
        ("mask", aug["mask"], set(aug["masked"]), t["seq-mask"].format(gamma=GAMMA, k=k_mask)),
        (
            "reorder",
            aug["reorder"],
            set(range(aug["r"], aug["r"] + k_reorder)),
            t["seq-reorder"].format(beta=BETA, k=k_reorder),
        ),
    ]
    for i, (key, items, marked, label) in enumerate(rows):
        top = 234 - i * 58
        ax.text(x0, top + 11, label, ha="left", va="center", fontsize=FS)
        start = aug["s"] if key == "crop" else 0
        if key == "crop":  # the positions left out, dashed
            for j in [*range(start), *range(start + len(items), SEQ_LEN)]:
                cells.frame(ax, x0 + j * cell, top - cell + 4, cell, cell - 4, colour=C.grid, lw=1, ls=(0, (3, 2)))
        face = {"mask": C.fill2, "reorder": C.fill3}.get(key, C.fill)
        boxes = [(x0 + (start + j) * cell, top - cell + 4, cell, cell - 4) for j in range(len(items))]
        cells.fill_cells(ax, [b for j, b in enumerate(boxes) if start + j not in marked], C.fill)
        cells.fill_cells(ax, [b for j, b in enumerate(boxes) if start + j in marked], face, gid=f"fact-marked-{key}")
        for j, item in enumerate(items):
            x = x0 + (start + j + 0.5) * cell
            ax.add_patch(Rectangle((x - cell / 2, top - cell + 4), cell, cell - 4, fill=False, edgecolor=C.grid, lw=1))
            ax.text(
                x,
                top - cell / 2 + 2,
                "M" if item == 0 else str(item),
                ha="center",
                va="center",
                fontsize=FS,
                gid=f"fact-item-{key}",
            )
    ax.text(width / 2, 14, t["mask-key"], ha="center", va="center", fontsize=FS, color=C.muted)

"""Layer-calculator cases with known answers (the same table drives the Python reference test and
the browser test), invalid settings with the message each must get, and a sweep of single layers
for comparing the JavaScript module with the Python reference.

Known answers come from the pages and the papers, not from the calculator: question 20's VGG-16
table, ResNet-50's stem (conv1: 9,408 parameters, 118M multiply-adds; receptive field 11 after
the stem), question 6's worked cases, question 23's and question 24's counts, question 2's
receptive-field table."""

from __future__ import annotations

import itertools

C3 = "conv{}-k3-p1"
VGG16 = "in=3x224x224&layers=" + ",".join(
    [C3.format(64)] * 2 + ["max-k2"] + [C3.format(128)] * 2 + ["max-k2"] + [C3.format(256)] * 3 + ["max-k2"]
    + [C3.format(512)] * 3 + ["max-k2"] + [C3.format(512)] * 3 + ["max-k2", "fc4096", "fc4096", "fc1000"]
)  # fmt: skip
RESNET50_START = (
    "in=3x224x224&layers=conv64-k7-s2-p3-nobias,max-k3-s2-p1,conv64-k1-nobias,conv64-k3-p1-nobias,conv256-k1-nobias"
)

# (name, query, {layer number: (output [C, H, W], parameters, multiply-adds, rf, jump)},
#  totals (parameters, multiply-adds, output, rf, jump)); rf and jump None: the whole input.
KNOWN = [
    (
        "vgg16",
        VGG16,
        {
            1: ([64, 224, 224], 1_792, 86_704_128, 3, 1),
            2: ([64, 224, 224], 36_928, 1_849_688_064, 5, 1),
            3: ([64, 112, 112], 0, 0, 6, 2),
            13: ([512, 28, 28], 2_359_808, 1_849_688_064, 92, 8),
            17: ([512, 14, 14], 2_359_808, 462_422_016, 196, 16),  # conv5_3 (question 2: 196)
            18: ([512, 7, 7], 0, 0, 212, 32),
            19: ([4096, 1, 1], 102_764_544, 102_760_448, None, None),  # fc6
            20: ([4096, 1, 1], 16_781_312, 16_777_216, None, None),
            21: ([1000, 1, 1], 4_097_000, 4_096_000, None, None),
        },
        (138_357_544, 15_470_264_320, [1000, 1, 1], None, None),
    ),
    (
        "resnet50-stem-and-first-block",
        RESNET50_START,
        {
            1: ([64, 112, 112], 9_408, 118_013_952, 7, 2),
            2: ([64, 56, 56], 0, 0, 11, 4),
            3: ([64, 56, 56], 4_096, 12_845_056, 11, 4),
            4: ([64, 56, 56], 36_864, 115_605_504, 19, 4),
            5: ([256, 56, 56], 16_384, 51_380_224, 19, 4),
        },
        (66_752, 297_844_736, [256, 56, 56], 19, 4),
    ),
    ("q04-multichannel", "in=3x7x7&layers=conv8-k3-s2-p1", {1: ([8, 4, 4], 224, 3_456, 3, 2)}, None),
    (
        "q04-worked-example",
        "in=1x6x6&layers=conv1-k3,max-k2",
        {1: ([1, 4, 4], 10, 144, 3, 1), 2: ([1, 2, 2], 0, 0, 4, 2)},
        None,
    ),
    ("q06-floor", "in=1x6x6&layers=max-k3-s2", {1: ([1, 2, 2], 0, 0, 3, 2)}, None),
    ("q06-ceil", "in=1x6x6&layers=max-k3-s2-ceil", {1: ([1, 3, 3], 0, 0, 3, 2)}, None),
    ("q06-ceil-last-window-dropped", "in=1x5x5&layers=max-k2-s2-p1-ceil", {1: ([1, 3, 3], 0, 0, 2, 2)}, None),
    ("q06-googlenet-pool-ceil", "in=64x112x112&layers=max-k3-s2-ceil", {1: ([64, 56, 56], 0, 0, 3, 2)}, None),
    ("q06-googlenet-pool-floor", "in=64x112x112&layers=max-k3-s2", {1: ([64, 55, 55], 0, 0, 3, 2)}, None),
    ("q06-alexnet-227", "in=3x227x227&layers=conv96-k11-s4", {1: ([96, 55, 55], 34_944, 105_415_200, 11, 4)}, None),
    ("q06-alexnet-224", "in=3x224x224&layers=conv96-k11-s4", {1: ([96, 54, 54], 34_944, 101_616_768, 11, 4)}, None),
    ("q06-valid-32", "in=1x32x32&layers=conv1-k3", {1: ([1, 30, 30], 10, 8_100, 3, 1)}, None),
    ("q06-same-32", "in=1x32x32&layers=conv1-k3-p1", {1: ([1, 32, 32], 10, 9_216, 3, 1)}, None),
    (
        "q06-resnet-downsampling",
        "in=64x56x56&layers=conv128-k3-s2-p1-nobias",
        {1: ([128, 28, 28], 73_728, 57_802_752, 3, 2)},
        None,
    ),
    (
        "q06-vit-b16-patches",
        "in=3x224x224&layers=conv768-k16-s16",
        {1: ([768, 14, 14], 590_592, 115_605_504, 16, 16)},
        None,
    ),
    ("q06-dilated-same", "in=1x64x64&layers=conv1-k3-p2-d2", {1: ([1, 64, 64], 10, 36_864, 5, 1)}, None),
    ("q06-even-kernel-p2", "in=1x8x8&layers=conv1-k4-p2", {1: ([1, 9, 9], 17, 1_296, 4, 1)}, None),
    ("q06-even-kernel-p1", "in=1x8x8&layers=conv1-k4-p1", {1: ([1, 7, 7], 17, 784, 4, 1)}, None),
    ("q06-not-invertible-7", "in=1x7x7&layers=conv1-k3-s2-p1", {1: ([1, 4, 4], 10, 144, 3, 2)}, None),
    ("q06-not-invertible-8", "in=1x8x8&layers=conv1-k3-s2-p1", {1: ([1, 4, 4], 10, 144, 3, 2)}, None),
    (
        "q06-tf-same-stride-2",
        "in=3x224x224&layers=conv64-k3-s2-ptfsame",
        {1: ([64, 112, 112], 1_792, 21_676_032, 3, 2)},
        None,
    ),
    ("q07-conv", "in=3x224x224&layers=conv64-k3-p1", {1: ([64, 224, 224], 1_792, 86_704_128, 3, 1)}, None),
    (
        "q07-fc",
        "in=3x224x224&layers=fc3211264",
        {1: ([3_211_264, 1, 1], 483_388_358_656, 483_385_147_392, None, None)},
        None,
    ),
    (
        "q20-gap-head",
        "in=512x7x7&layers=gap,fc1000",
        {1: ([512, 1, 1], 0, 0, None, None), 2: ([1000, 1, 1], 513_000, 512_000, None, None)},
        None,
    ),
    ("q20-resnet50-fc", "in=2048x7x7&layers=gap,fc1000", {2: ([1000, 1, 1], 2_049_000, 2_048_000, None, None)}, None),
    (
        "q23-first-stage-conv",
        "in=64x56x56&layers=conv64-k3-p1-nobias",
        {1: ([64, 56, 56], 36_864, 115_605_504, 3, 1)},
        None,
    ),
    ("q23-fc-4096", "in=4096x1x1&layers=fc4096", {1: ([4096, 1, 1], 16_781_312, 16_777_216, None, None)}, None),
    (
        "q24-standard-vs-separable",
        "in=256x56x56&layers=conv256-k3-p1-nobias,dw256-k3-p1-nobias",
        {1: ([256, 56, 56], 589_824, 1_849_688_064, 3, 1), 2: ([256, 56, 56], 67_840, 212_746_240, 5, 1)},
        None,
    ),
    (
        "q24-three-3x3-vs-7x7",
        "in=64x32x32&layers=conv64-k3-p1-nobias,conv64-k3-p1-nobias,conv64-k3-p1-nobias,conv64-k7-p3-nobias",
        {3: ([64, 32, 32], 36_864, 37_748_736, 7, 1), 4: ([64, 32, 32], 200_704, 205_520_896, 13, 1)},
        (311_296, 318_767_104, [64, 32, 32], 13, 1),
    ),
    (
        "q24-grouped",
        "in=256x14x14&layers=conv256-k3-p1-g32-nobias",
        {1: ([256, 14, 14], 18_432, 3_612_672, 3, 1)},
        None,
    ),
    (
        "q02-receptive-field",
        "in=1x64x64&layers=conv1-k3,conv1-k3,conv1-k2-s2,conv1-k3,conv1-k3,conv1-k2-s2,conv1-k3",
        {1: ([1, 62, 62], 10, 34_596, 3, 1), 3: ([1, 30, 30], 5, 3_600, 6, 2), 6: ([1, 13, 13], 5, 676, 16, 4)},
        (60, 85_501, [1, 11, 11], 24, 4),
    ),
    (
        "mobilenet-v1-start",
        "in=3x224x224&layers=conv32-k3-s2-p1-nobias,dw64-k3-p1-nobias,dw128-k3-s2-p1-nobias",
        {1: ([32, 112, 112], 864, 10_838_016, 3, 2), 2: ([64, 112, 112], 2_336, 29_302_784, 7, 2)},
        (11_968, 67_637_248, [128, 56, 56], 11, 4),
    ),
    (
        "dilation-1-2-4-8",
        "in=16x64x64&layers=conv16-k3-psame,conv16-k3-psame-d2,conv16-k3-psame-d4,conv16-k3-psame-d8&show=4",
        {1: ([16, 64, 64], 2_320, 9_437_184, 3, 1), 4: ([16, 64, 64], 2_320, 9_437_184, 31, 1)},
        (9_280, 37_748_736, [16, 64, 64], 31, 1),
    ),
]

# (name, query, layer number (0: the input), error code, details the message depends on)
ERRORS = [
    ("output below one row", "in=3x2x2&layers=conv8-k3", 1, "too_small", {"axis": "h", "n": 2, "padded": 2, "span": 3}),
    (
        "dilated window too wide",
        "in=3x9x4&layers=conv8-k3-d2",
        1,
        "too_small",
        {"axis": "w", "n": 4, "padded": 4, "span": 5},
    ),
    ("groups do not divide the inputs", "in=6x8x8&layers=conv8-k3-g4", 1, "groups", {"which": "in", "channels": 6}),
    ("groups do not divide the outputs", "in=8x8x8&layers=conv6-k3-g4", 1, "groups", {"which": "out", "channels": 6}),
    ("PyTorch same with stride 2", "in=3x32x32&layers=conv8-k3-s2-psame", 1, "same_stride", {"s": 2}),
    ("pooling has no PyTorch same", "in=3x32x32&layers=max-k2-psame", 1, "pool_same", {}),
    ("ceil_mode with TF SAME", "in=3x32x32&layers=max-k3-s2-ptfsame-ceil", 1, "ceil_same", {}),
    ("pooling padding over half the kernel", "in=3x32x32&layers=max-k2-p2", 1, "pool_pad", {"p": 2, "k": 2}),
    ("kernel zero", "in=3x32x32&layers=conv8-k3,conv8-k0", 2, "value", {"field": "k", "min": 1}),
    ("stride zero", "in=3x32x32&layers=avg-k2-s0", 1, "value", {"field": "s", "min": 1}),
    ("no output channel", "in=3x32x32&layers=conv0-k3", 1, "value", {"field": "out", "min": 1}),
    ("input without channels", "in=0x32x32&layers=conv8-k3", 0, "value", {"field": "c", "min": 1}),
    ("input too large", "in=3x200000000x4&layers=gap", 0, "value", {"field": "h", "max": 100_000_000}),
    ("counts beyond 2^53", "in=100000000x100000000x1&layers=fc100000000", 1, "overflow", {}),
    ("error after a valid layer", "in=3x8x8&layers=conv8-k3-p1,max-k4-s4,conv8-k3", 3, "too_small", {"axis": "h"}),
]


def sweep() -> list[dict]:
    """Single layers over every padding mode, rounding, dilation and group setting on small inputs
    (height and width differ, so the two axes are checked apart), as stacks for ``evaluate``."""
    from dlie import layercalc as lc

    stacks = []
    for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 224):
        inp = [4, n, n + 1]
        for k, s, p, d in itertools.product((1, 2, 3, 4, 5), (1, 2, 3), (0, 1, 2, "valid", "same", "tfsame"), (1, 2)):
            stacks.append({"input": inp, "layers": [lc.make_layer("conv", out=8, k=k, s=s, p=p, d=d)]})
            if k == 3 and s < 3:
                stacks.append({"input": inp, "layers": [lc.make_layer("dw", out=6, k=k, s=s, p=p, d=d, bias=d == 1)]})
        for kind, k, s, p, ceil in itertools.product(
            ("max", "avg"), (1, 2, 3, 4), (1, 2, 3), (0, 1, 2, "valid", "same", "tfsame"), (False, True)
        ):
            stacks.append({"input": inp, "layers": [lc.make_layer(kind, k=k, s=s, p=p, ceil=ceil)]})
    for c, out, g in itertools.product((4, 6, 12), (4, 6, 8), (1, 2, 3, 4, 6)):
        stacks.append({"input": [c, 9, 9], "layers": [lc.make_layer("conv", out=out, k=3, g=g, p=1)]})
    # values a page's form can hold: empty, fractional, negative, a bool or a string
    for bad in (None, 1.5, -1, True, "3"):
        stacks.append({"input": [3, 8, 8], "layers": [lc.make_layer("conv", out=8, k=bad)]})
        stacks.append({"input": [3, bad, 8], "layers": [lc.make_layer("gap")]})
    stacks.append({"input": [3, 8, 8], "layers": [lc.make_layer("max", k=2, p="zero")]})
    stacks.append({"input": [3, 8, 8], "layers": [lc.make_layer("fc", out=10, bias="yes")]})
    return stacks


# URL queries both parsers must read alike: good ones, and every way a link can be broken
QUERIES = [
    VGG16,
    RESNET50_START + "&show=2",
    "?in=3x32x32&layers=conv16-k3-p1,max-k2,fc10",
    "in=3x32x32&layers=conv16-k3-p1,,fc10",
    "in=3x32x32&layers=conv-k3,max16,fc,gap4,conv8-k3-k5,max-d2,fc10-k3,conv8-pfull,conv8-x1,conv8-k03",
    "in=3x32&layers=gap",
    "in=&layers=",
    "layers=conv8-k3-nobias-ceil,max-k3-ceil,avg-k2-nobias",
    "in=3x32x32&layers=conv8-k3&show=x",
    "in=3x32x32&layers=conv8-k3&show=0",
    "in=3x32x32&layers=conv1234567890-k3,conv8-k1234567890",
    "in=1x6x6&layers=max%2Dk3%2Ds2,avg-k3-s2-p1-ceil&show=1",
    "in=3x224x224&layers=dw64-k3-s2-p1-d2-nobias,conv8-k3-ptfsame-g2,conv8-k3-pvalid,conv8-k3-psame-d3",
    "",
]

"""The layer calculator's arithmetic, in Python: the reference of
``docs/assets/javascripts/layercalc.js`` (pure functions, no NumPy needed).

The calculator page (``docs/tools/calculator.<lang>.md``, widget built by ``dlie.calcpages``)
runs the JavaScript module in the reader's browser. This module computes the same results from
``dlie.nn`` (``conv_out``, ``receptive_field``, ``window_cover``: the formulas the figures draw
with and the pages' runnable code computes), and ``tests/test_calculator.py`` runs the same
cases through both and requires identical results, field for field.

A stack is an input ``[C, H, W]`` and a list of layers; it travels in a URL query::

    ?in=3x224x224&layers=conv64-k3-p1,max-k2-s2,fc10&show=1

``layers`` is a comma-separated list of tokens ``<type>[<out>](-<field>)*``:

=========  ========================================  ==========================================
type       what                                       fields (default)
=========  ========================================  ==========================================
conv<out>  convolution, ``out`` output channels       k (3), s (1), p (0), d (1), g (1), nobias
dw<out>    depthwise-separable: depthwise k×k conv     k (3), s (1), p (0), d (1), nobias
           of each channel, then a 1×1 conv to out
max, avg   max / average pooling                      k (2), s (= k), p (0), ceil
fc<out>    fully connected on the flattened input     nobias
gap        global average pooling                     (none)
=========  ========================================  ==========================================

``p`` is a number of rows and columns added on each side, or ``pvalid`` (none), ``psame``
(PyTorch's ``padding='same'``: stride 1 only, total d(k−1) with the odd one after) or
``ptfsame`` (TensorFlow's ``SAME``: output ⌈n/s⌉, total padding
max((⌈n/s⌉−1)s + d(k−1)+1 − n, 0), ⌊half⌋ before and the rest after). ``ceil`` is PyTorch
pooling's ``ceil_mode`` (a last window must start inside the input or the left padding).
``show`` is the 1-based layer whose window the page draws.

Counting conventions (the pages' own, see questions 20 and 23): multiply-adds (MACs) count the
weight multiplications only (biases, pooling and activations are left out); the receptive field
is the theoretical one of the recursion r += (k_eff − 1)·j, j *= s, with ``None`` once a layer
(fully connected, global pooling) sees the whole input.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from dlie import nn

MAX_VALUE = 100_000_000  # the largest number any field accepts
MAX_EXACT = 2**53 - 1  # what a JavaScript number holds exactly: larger results are refused

TYPES = ("conv", "dw", "max", "avg", "fc", "gap")
WINDOWED = ("conv", "dw", "max", "avg")
POOLS = ("max", "avg")
PAD_MODES = ("valid", "same", "tfsame")
FIELDS = {  # the fields each type takes, in the order they are checked and written
    "conv": ("out", "k", "s", "p", "d", "g", "bias"),
    "dw": ("out", "k", "s", "p", "d", "bias"),
    "max": ("k", "s", "p", "ceil"),
    "avg": ("k", "s", "p", "ceil"),
    "fc": ("out", "bias"),
    "gap": (),
}
DEFAULTS = {"k": 3, "s": 1, "p": 0, "d": 1, "g": 1, "bias": True, "ceil": False}
POOL_KERNEL = 2
MINIMUM = {"out": 1, "k": 1, "s": 1, "p": 0, "d": 1, "g": 1}


def make_layer(kind: str, **fields) -> dict:
    """A layer with every field its type takes (defaults filled in; pooling's stride defaults
    to its kernel size, as in PyTorch)."""
    layer = {"type": kind}
    for name in FIELDS[kind]:
        if name in fields:
            layer[name] = fields[name]
        elif name == "out":
            raise ValueError(f"a {kind} layer needs its output size")
        elif kind in POOLS and name == "k":
            layer[name] = POOL_KERNEL
        elif kind in POOLS and name == "s":
            layer[name] = layer["k"]
        else:
            layer[name] = DEFAULTS[name]
    extra = set(fields) - set(FIELDS[kind])
    if extra:
        raise ValueError(f"a {kind} layer has no field {', '.join(sorted(extra))}")
    return layer


# ---- the URL form -----------------------------------------------------------------------------
HEAD_RE = re.compile(r"^(conv|dw|max|avg|fc|gap)(\d{1,9})?$")
FIELD_RE = re.compile(r"^(?:([ksdg])(\d{1,9})|p(\d{1,9}|valid|same|tfsame)|(nobias|ceil))$")
INPUT_RE = re.compile(r"^(\d{1,9})x(\d{1,9})x(\d{1,9})$")


def parse_token(token: str) -> dict | None:
    """One layer from its URL token, or None when the token cannot be read (unknown type or
    field, a field its type does not take, a field twice, the output size missing or extra)."""
    head, *rest = token.split("-")
    m = HEAD_RE.match(head)
    if not m:
        return None
    kind, out = m.group(1), m.group(2)
    if (out is not None) != ("out" in FIELDS[kind]):
        return None
    fields: dict = {} if out is None else {"out": int(out)}
    for part in rest:
        f = FIELD_RE.match(part)
        if not f:
            return None
        if f.group(1):
            name, value = f.group(1), int(f.group(2))
        elif f.group(3):
            name, value = "p", (f.group(3) if f.group(3) in PAD_MODES else int(f.group(3)))
        else:
            name, value = ("bias", False) if f.group(4) == "nobias" else ("ceil", True)
        if name not in FIELDS[kind] or name in fields:
            return None
        fields[name] = value
    return make_layer(kind, **fields)


def token(layer: dict) -> str:
    """A layer's URL token, fields at their default left out (``parse_token`` reads it back)."""
    kind = layer["type"]
    parts = [kind + (str(layer["out"]) if "out" in layer else "")]
    if kind in WINDOWED:
        parts.append(f"k{layer['k']}")
        if layer["s"] != (layer["k"] if kind in POOLS else 1):
            parts.append(f"s{layer['s']}")
        if layer["p"] != 0:
            parts.append(f"p{layer['p']}")
        if layer.get("d", 1) != 1:
            parts.append(f"d{layer['d']}")
        if layer.get("g", 1) != 1:
            parts.append(f"g{layer['g']}")
    if layer.get("bias") is False:
        parts.append("nobias")
    if layer.get("ceil"):
        parts.append("ceil")
    return "-".join(parts)


def to_query(stack: dict) -> str:
    """The URL query of a stack (``in``, ``layers`` and, when set, ``show``)."""
    c, h, w = stack["input"]
    query = f"in={c}x{h}x{w}&layers=" + ",".join(token(layer) for layer in stack["layers"])
    if stack.get("show"):
        query += f"&show={stack['show']}"
    return query


def parse_query(query: str) -> dict:
    """A stack from a URL query: ``{input, layers, show, problems}``. ``input`` is None when
    ``in`` is missing or unreadable; ``problems`` lists what could not be read (``in`` and every
    unreadable token, which is left out of ``layers``)."""
    params = parse_qs(query.lstrip("?"), keep_blank_values=True)
    problems: list[str] = []
    raw_in = params.get("in", [None])[0]
    inp = None
    if raw_in is not None:
        m = INPUT_RE.match(raw_in)
        if m:
            inp = [int(x) for x in m.groups()]
        else:
            problems.append(f"in={raw_in}")
    layers = []
    raw_layers = params.get("layers", [""])[0]
    for tok in raw_layers.split(",") if raw_layers else []:
        layer = parse_token(tok)
        if layer is None:
            problems.append(tok)
        else:
            layers.append(layer)
    show = params.get("show", [None])[0]
    show = int(show) if show is not None and re.fullmatch(r"\d{1,9}", show) else None
    return {"input": inp, "layers": layers, "show": show, "problems": problems}


# ---- the arithmetic -------------------------------------------------------------------------------
def _bad_value(value, name: str) -> dict | None:
    lo = MINIMUM.get(name, 1)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= MAX_VALUE:
        return {"code": "value", "field": name, "min": lo, "max": MAX_VALUE}
    return None


def span(layer: dict) -> int:
    """The effective kernel size d(k − 1) + 1 (k for pooling)."""
    return layer.get("d", 1) * (layer["k"] - 1) + 1


def padding(n: int, layer: dict) -> tuple[int, int]:
    """Rows (or columns) added before and after an input of length n."""
    p, s, e = layer["p"], layer["s"], span(layer)
    if p == "valid":
        return 0, 0
    if p == "same":  # PyTorch: stride 1, total d(k-1), the odd one after
        return (e - 1) // 2, (e - 1) - (e - 1) // 2
    if p == "tfsame":  # TensorFlow: output ceil(n/s)
        total = max((-(-n // s) - 1) * s + e - n, 0)
        return total // 2, total - total // 2
    return p, p


def out_length(n: int, layer: dict) -> int:
    """Output length along one axis (may be ≤ 0: the window does not fit)."""
    before, after = padding(n, layer)
    if before == after:
        return nn.conv_out(n, layer["k"], layer["s"], before, layer.get("d", 1), bool(layer.get("ceil")))
    return nn.conv_out(n + before + after, layer["k"], layer["s"], 0, layer.get("d", 1))


def _layer_error(layer: dict, c: int) -> dict | None:
    """The first thing wrong with a layer's settings on a C-channel input, or None."""
    kind = layer["type"]
    for name in FIELDS[kind]:
        if name in ("bias", "ceil"):
            if not isinstance(layer[name], bool):
                return {"code": "value", "field": name, "min": 0, "max": 1}
        elif name == "p" and layer[name] in PAD_MODES:
            continue
        else:
            bad = _bad_value(layer[name], name)
            if bad:
                return bad
    if kind == "conv":
        if c % layer["g"]:
            return {"code": "groups", "which": "in", "channels": c, "groups": layer["g"]}
        if layer["out"] % layer["g"]:
            return {"code": "groups", "which": "out", "channels": layer["out"], "groups": layer["g"]}
    if kind in WINDOWED:
        p = layer["p"]
        if p == "same" and kind in POOLS:
            return {"code": "pool_same"}
        if p == "same" and layer["s"] != 1:
            return {"code": "same_stride", "s": layer["s"]}
        if kind in POOLS and layer["ceil"] and p == "tfsame":
            return {"code": "ceil_same"}
        if kind in POOLS and isinstance(p, int) and 2 * p > layer["k"]:
            return {"code": "pool_pad", "p": p, "k": layer["k"]}
    return None


def _failed(error: dict, inp) -> dict:
    return {"in": inp, "out": None, "params": None, "macs": None, "rf": None, "jump": None, "pad": None, "error": error}


def evaluate(stack: dict) -> dict:
    """Every layer's output shape, parameters, multiply-adds, receptive field (size and jump, None
    once global) and padding (top, bottom, left, right), and the totals; a layer whose settings
    are wrong gets an ``error`` ({code, ...details}) and the layers after it are ``blocked``."""
    inp = stack["input"]
    input_error = None
    for name, value in zip("chw", inp, strict=True):
        input_error = input_error or _bad_value(value, name)
    results, blocked_by = [], 0 if input_error else None
    shape = None if input_error else list(inp)
    rf, jump, params_total, macs_total = 1, 1, 0, 0
    for i, layer in enumerate(stack["layers"], 1):
        if blocked_by is not None:
            results.append(_failed({"code": "blocked", "by": blocked_by}, None))
            continue
        c, h, w = shape
        error = _layer_error(layer, c)
        result = None if error else _compute(layer, c, h, w)
        if result and "error" in result:
            error, result = result["error"], None
        if result:
            params_total += result["params"]
            macs_total += result["macs"]
            if max(result["params"], result["macs"], params_total, macs_total) > MAX_EXACT:
                error, result = {"code": "overflow"}, None
        if error:
            results.append(_failed(error, shape))
            blocked_by = i
            continue
        if result["global"] or rf is None:
            rf = jump = None
        else:
            (rf, jump) = _receptive(rf, jump, layer)
        results.append(
            {
                "in": shape,
                "out": result["out"],
                "params": result["params"],
                "macs": result["macs"],
                "rf": rf,
                "jump": jump,
                "pad": result["pad"],
                "error": None,
            }
        )
        shape = result["out"]
    total = None
    if blocked_by is None:
        total = {"params": params_total, "macs": macs_total, "out": shape, "rf": rf, "jump": jump}
    return {"input_error": input_error, "layers": results, "total": total}


def _receptive(rf: int, jump: int, layer: dict) -> tuple[int, int]:
    """One step of the recursion from an earlier receptive field: ``nn.receptive_field``
    starts from r = j = 1, so the step is scaled by the jump so far."""
    (r1, j1) = nn.receptive_field([(span(layer), layer["s"])])[0]
    return rf + (r1 - 1) * jump, jump * j1


def _compute(layer: dict, c: int, h: int, w: int) -> dict:
    kind = layer["type"]
    if kind == "fc":
        n_in = c * h * w
        if n_in > MAX_EXACT:
            return {"error": {"code": "overflow"}}
        out = layer["out"]
        params = n_in * out + (out if layer["bias"] else 0)
        return {"out": [out, 1, 1], "params": params, "macs": n_in * out, "pad": None, "global": True}
    if kind == "gap":
        return {"out": [c, 1, 1], "params": 0, "macs": 0, "pad": None, "global": True}
    ho, wo = out_length(h, layer), out_length(w, layer)
    for axis, n, o in (("h", h, ho), ("w", w, wo)):
        if o <= 0:
            before, after = padding(n, layer)
            return {
                "error": {"code": "too_small", "axis": axis, "n": n, "padded": n + before + after, "span": span(layer)}
            }
    pad = [*padding(h, layer), *padding(w, layer)]
    k2, positions = layer["k"] ** 2, ho * wo
    if kind in POOLS:
        return {"out": [c, ho, wo], "params": 0, "macs": 0, "pad": pad, "global": False}
    bias = layer["bias"]
    out = layer["out"]
    if kind == "dw":
        params = k2 * c + (c if bias else 0) + c * out + (out if bias else 0)
        macs = positions * c * k2 + positions * c * out
    else:
        per_group = c // layer["g"]
        params = k2 * per_group * out + (out if bias else 0)
        macs = positions * out * k2 * per_group
    return {"out": [out, ho, wo], "params": params, "macs": macs, "pad": pad, "global": False}


def window_axis(n: int, layer: dict) -> dict:
    """The windows of a layer along one axis of length n, for the drawing: padding before and
    after, effective size, number of windows, how many windows read each input position
    (``cover``; a dilated window reads only its taps) and how far the last window hangs past
    the padded input (``overhang``, ceil_mode)."""
    before, after = padding(n, layer)
    out, e, s, d = out_length(n, layer), span(layer), layer["s"], layer.get("d", 1)
    cover = [0] * n
    for i in range(out):
        for t in range(layer["k"]):
            x = i * s + t * d - before
            if 0 <= x < n:
                cover[x] += 1
    overhang = max(0, (out - 1) * s + e - (before + n + after))
    return {"n": n, "before": before, "after": after, "span": e, "out": out, "cover": cover, "overhang": overhang}

/* Layer calculator: the arithmetic (no DOM, no dependency). The page's script (calculator.js)
   draws with it; hooks/dlie/layercalc.py is its Python reference, and tests/test_calculator.py
   runs the same cases through both (with node) and requires identical results.

   A stack is {input: [C, H, W], layers: [...]}; in a URL: ?in=3x224x224&layers=conv64-k3-p1,max-k2-s2
   (the grammar, defaults and counting conventions are in layercalc.py's docstring).
   Loaded as a plain script it defines window.dlieLayerCalc; under node, module.exports. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.dlieLayerCalc = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var MAX_VALUE = 100000000, MAX_EXACT = Number.MAX_SAFE_INTEGER;
  var WINDOWED = ["conv", "dw", "max", "avg"], POOLS = ["max", "avg"], PAD_MODES = ["valid", "same", "tfsame"];
  var FIELDS = {
    conv: ["out", "k", "s", "p", "d", "g", "bias"],
    dw: ["out", "k", "s", "p", "d", "bias"],
    max: ["k", "s", "p", "ceil"],
    avg: ["k", "s", "p", "ceil"],
    fc: ["out", "bias"],
    gap: []
  };
  var DEFAULTS = { k: 3, s: 1, p: 0, d: 1, g: 1, bias: true, ceil: false };
  var POOL_KERNEL = 2;
  var MINIMUM = { out: 1, k: 1, s: 1, p: 0, d: 1, g: 1 };

  function has(list, x) { return list.indexOf(x) >= 0; }
  function isInt(v) { return typeof v === "number" && v % 1 === 0; }

  /* A layer with every field its type takes, defaults filled in (pooling's stride = its kernel). */
  function makeLayer(type, fields) {
    fields = fields || {};
    var layer = { type: type };
    FIELDS[type].forEach(function (name) {
      if (name in fields) layer[name] = fields[name];
      else if (name === "out") throw new Error("a " + type + " layer needs its output size");
      else if (has(POOLS, type) && name === "k") layer[name] = POOL_KERNEL;
      else if (has(POOLS, type) && name === "s") layer[name] = layer.k;
      else layer[name] = DEFAULTS[name];
    });
    return layer;
  }

  /* ---- the URL form ---------------------------------------------------------------------- */
  var HEAD_RE = /^(conv|dw|max|avg|fc|gap)(\d{1,9})?$/;
  var FIELD_RE = /^(?:([ksdg])(\d{1,9})|p(\d{1,9}|valid|same|tfsame)|(nobias|ceil))$/;
  var INPUT_RE = /^(\d{1,9})x(\d{1,9})x(\d{1,9})$/;

  function parseToken(token) {
    var parts = token.split("-"), m = HEAD_RE.exec(parts[0]);
    if (!m) return null;
    var type = m[1], out = m[2];
    if ((out !== undefined) !== has(FIELDS[type], "out")) return null;
    var fields = out === undefined ? {} : { out: parseInt(out, 10) };
    for (var i = 1; i < parts.length; i++) {
      var f = FIELD_RE.exec(parts[i]), name, value;
      if (!f) return null;
      if (f[1]) { name = f[1]; value = parseInt(f[2], 10); }
      else if (f[3]) { name = "p"; value = has(PAD_MODES, f[3]) ? f[3] : parseInt(f[3], 10); }
      else { name = f[4] === "nobias" ? "bias" : "ceil"; value = f[4] !== "nobias"; }
      if (!has(FIELDS[type], name) || name in fields) return null;
      fields[name] = value;
    }
    return makeLayer(type, fields);
  }

  function token(layer) {
    var type = layer.type, parts = [type + ("out" in layer ? String(layer.out) : "")];
    if (has(WINDOWED, type)) {
      parts.push("k" + layer.k);
      if (layer.s !== (has(POOLS, type) ? layer.k : 1)) parts.push("s" + layer.s);
      if (layer.p !== 0) parts.push("p" + layer.p);
      if ("d" in layer && layer.d !== 1) parts.push("d" + layer.d);
      if ("g" in layer && layer.g !== 1) parts.push("g" + layer.g);
    }
    if (layer.bias === false) parts.push("nobias");
    if (layer.ceil) parts.push("ceil");
    return parts.join("-");
  }

  function toQuery(stack) {
    var q = "in=" + stack.input.join("x") + "&layers=" + stack.layers.map(token).join(",");
    if (stack.show) q += "&show=" + stack.show;
    return q;
  }

  function parseQuery(query) {
    var params = new URLSearchParams(query.replace(/^\?/, "")), problems = [];
    var rawIn = params.get("in"), input = null;
    if (rawIn !== null) {
      var m = INPUT_RE.exec(rawIn);
      if (m) input = [parseInt(m[1], 10), parseInt(m[2], 10), parseInt(m[3], 10)];
      else problems.push("in=" + rawIn);
    }
    var layers = [], rawLayers = params.get("layers") || "";
    (rawLayers ? rawLayers.split(",") : []).forEach(function (tok) {
      var layer = parseToken(tok);
      if (layer === null) problems.push(tok);
      else layers.push(layer);
    });
    var show = params.get("show");
    show = show !== null && /^\d{1,9}$/.test(show) ? parseInt(show, 10) : null;
    return { input: input, layers: layers, show: show, problems: problems };
  }

  /* ---- the arithmetic ------------------------------------------------------------------- */
  function badValue(value, name) {
    var lo = name in MINIMUM ? MINIMUM[name] : 1;
    if (!isInt(value) || value < lo || value > MAX_VALUE) return { code: "value", field: name, min: lo, max: MAX_VALUE };
    return null;
  }

  function span(layer) { return ("d" in layer ? layer.d : 1) * (layer.k - 1) + 1; }

  /* [before, after]: rows (or columns) added to an input of length n. */
  function padding(n, layer) {
    var p = layer.p, s = layer.s, e = span(layer), total;
    if (p === "valid") return [0, 0];
    if (p === "same") return [Math.floor((e - 1) / 2), (e - 1) - Math.floor((e - 1) / 2)];
    if (p === "tfsame") {
      total = Math.max((Math.ceil(n / s) - 1) * s + e - n, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }
    return [p, p];
  }

  /* floor((n + 2p - d(k-1) - 1)/s) + 1; ceil with ceil_mode, dropping a last window that would
     start in the right padding (PyTorch's pooling). The same formula as dlie.nn.conv_out. */
  function convOut(n, k, s, p, d, ceil) {
    var e = d * (k - 1) + 1;
    if (ceil) {
      var out = Math.ceil((n + 2 * p - e) / s) + 1;
      if ((out - 1) * s >= n + p) out -= 1;
      return out;
    }
    return Math.floor((n + 2 * p - e) / s) + 1;
  }

  function outLength(n, layer) {
    var pad = padding(n, layer), d = "d" in layer ? layer.d : 1;
    if (pad[0] === pad[1]) return convOut(n, layer.k, layer.s, pad[0], d, !!layer.ceil);
    return convOut(n + pad[0] + pad[1], layer.k, layer.s, 0, d, false);
  }

  function layerError(layer, c) {
    var type = layer.type, names = FIELDS[type];
    for (var i = 0; i < names.length; i++) {
      var name = names[i], bad;
      if (name === "bias" || name === "ceil") {
        if (typeof layer[name] !== "boolean") return { code: "value", field: name, min: 0, max: 1 };
      } else if (!(name === "p" && has(PAD_MODES, layer[name]))) {
        bad = badValue(layer[name], name);
        if (bad) return bad;
      }
    }
    if (type === "conv") {
      if (c % layer.g) return { code: "groups", which: "in", channels: c, groups: layer.g };
      if (layer.out % layer.g) return { code: "groups", which: "out", channels: layer.out, groups: layer.g };
    }
    if (has(WINDOWED, type)) {
      var p = layer.p, pool = has(POOLS, type);
      if (p === "same" && pool) return { code: "pool_same" };
      if (p === "same" && layer.s !== 1) return { code: "same_stride", s: layer.s };
      if (pool && layer.ceil && p === "tfsame") return { code: "ceil_same" };
      if (pool && isInt(p) && 2 * p > layer.k) return { code: "pool_pad", p: p, k: layer.k };
    }
    return null;
  }

  function failed(error, input) {
    return { "in": input, out: null, params: null, macs: null, rf: null, jump: null, pad: null, error: error };
  }

  function compute(layer, c, h, w) {
    var type = layer.type, out = layer.out, bias = layer.bias;
    if (type === "fc") {
      var nIn = c * h * w;
      if (nIn > MAX_EXACT) return { error: { code: "overflow" } };
      return { out: [out, 1, 1], params: nIn * out + (bias ? out : 0), macs: nIn * out, pad: null, global: true };
    }
    if (type === "gap") return { out: [c, 1, 1], params: 0, macs: 0, pad: null, global: true };
    var ho = outLength(h, layer), wo = outLength(w, layer);
    var axes = [["h", h, ho], ["w", w, wo]];
    for (var i = 0; i < 2; i++) {
      if (axes[i][2] <= 0) {
        var pad = padding(axes[i][1], layer);
        return { error: { code: "too_small", axis: axes[i][0], n: axes[i][1], padded: axes[i][1] + pad[0] + pad[1], span: span(layer) } };
      }
    }
    var pads = padding(h, layer).concat(padding(w, layer));
    var k2 = layer.k * layer.k, positions = ho * wo, params, macs;
    if (has(POOLS, type)) return { out: [c, ho, wo], params: 0, macs: 0, pad: pads, global: false };
    if (type === "dw") {
      params = k2 * c + (bias ? c : 0) + c * out + (bias ? out : 0);
      macs = positions * c * k2 + positions * c * out;
    } else {
      var perGroup = c / layer.g;
      params = k2 * perGroup * out + (bias ? out : 0);
      macs = positions * out * k2 * perGroup;
    }
    return { out: [out, ho, wo], params: params, macs: macs, pad: pads, global: false };
  }

  /* Every layer's output shape, parameters, multiply-adds, receptive field (size and jump; null
     once a layer sees the whole input) and padding [top, bottom, left, right], with totals; a
     layer whose settings are wrong gets an error {code, ...} and the layers after it "blocked". */
  function evaluate(stack) {
    var input = stack.input, inputError = null;
    ["c", "h", "w"].forEach(function (name, i) { inputError = inputError || badValue(input[i], name); });
    var results = [], blockedBy = inputError ? 0 : null, shape = inputError ? null : input.slice();
    var rf = 1, jump = 1, paramsTotal = 0, macsTotal = 0;
    stack.layers.forEach(function (layer, index) {
      var i = index + 1;
      if (blockedBy !== null) { results.push(failed({ code: "blocked", by: blockedBy }, null)); return; }
      var error = layerError(layer, shape[0]);
      var result = error ? null : compute(layer, shape[0], shape[1], shape[2]);
      if (result && result.error) { error = result.error; result = null; }
      if (result) {
        paramsTotal += result.params;
        macsTotal += result.macs;
        if (Math.max(result.params, result.macs, paramsTotal, macsTotal) > MAX_EXACT) { error = { code: "overflow" }; result = null; }
      }
      if (error) { results.push(failed(error, shape)); blockedBy = i; return; }
      if (result.global || rf === null) { rf = null; jump = null; }
      else { rf = rf + (span(layer) - 1) * jump; jump = jump * layer.s; }
      results.push({ "in": shape, out: result.out, params: result.params, macs: result.macs,
                     rf: rf, jump: jump, pad: result.pad, error: null });
      shape = result.out;
    });
    var total = blockedBy === null ? { params: paramsTotal, macs: macsTotal, out: shape, rf: rf, jump: jump } : null;
    return { input_error: inputError, layers: results, total: total };
  }

  /* The windows of a layer along an axis of length n (for the drawing): padding, effective size,
     number of windows, how many windows read each input position (a dilated window reads only
     its taps) and how far the last window hangs past the padded input (ceil_mode). */
  function windowAxis(n, layer) {
    var pad = padding(n, layer), out = outLength(n, layer), e = span(layer), s = layer.s;
    var d = "d" in layer ? layer.d : 1, cover = [];
    for (var x = 0; x < n; x++) cover.push(0);
    for (var i = 0; i < out; i++) {
      for (var t = 0; t < layer.k; t++) {
        var at = i * s + t * d - pad[0];
        if (at >= 0 && at < n) cover[at] += 1;
      }
    }
    var overhang = Math.max(0, (out - 1) * s + e - (pad[0] + n + pad[1]));
    return { n: n, before: pad[0], after: pad[1], span: e, out: out, cover: cover, overhang: overhang };
  }

  return {
    MAX_VALUE: MAX_VALUE, FIELDS: FIELDS, WINDOWED: WINDOWED, POOLS: POOLS, PAD_MODES: PAD_MODES,
    makeLayer: makeLayer, parseToken: parseToken, token: token, toQuery: toQuery, parseQuery: parseQuery,
    evaluate: evaluate, windowAxis: windowAxis, padding: padding, span: span
  };
});

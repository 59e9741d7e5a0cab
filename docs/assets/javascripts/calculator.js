/* Layer calculator page: the reader's stack (from the URL), one card per layer, the results table
   with totals, a shareable link, and a drawing of one layer's window over the padded input.
   Arithmetic: layercalc.js (window.dlieLayerCalc). Strings: the page's language, from the build
   (docs/ui/<lang>.yml, key "calculator": data-strings on .calc). Loaded on this page only. */
(function () {
  "use strict";
  var L = window.dlieLayerCalc, root = document.querySelector(".calc");
  if (!L || !root) return;
  var T = JSON.parse(root.getAttribute("data-strings"));
  var nf = new Intl.NumberFormat(root.getAttribute("data-lang") || undefined);
  var DEFAULT = root.getAttribute("data-default");
  var TYPES = ["conv", "dw", "max", "avg", "fc", "gap"];
  var CELL = 20, LABEL_W = 30, LABEL_H = 18;  // drawing units (px at full size)
  var DRAW_LIMIT = 10000;  // longest axis drawn: counting the windows' reads costs (windows × kernel) steps
  var state = { input: [3, 224, 224], layers: [], show: null, pos: [0, 0] };
  var result = null, uid = 0;

  /* ---- small helpers --------------------------------------------------------------------- */
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) { return values && k in values ? values[k] : m; });
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  var SVG_NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function num(n) { return n === null || n === undefined ? T.none : nf.format(n); }
  function idx(i) { return i < 0 ? "\u2212" + (-i) : String(i); }  // a real minus sign
  function short(n) {
    var units = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "K"]];
    for (var i = 0; i < units.length; i++) if (n >= units[i][0]) return (n / units[i][0]).toFixed(2) + "\u00a0" + units[i][1];
    return String(n);
  }
  function shape(s) { return s ? s.map(num).join(" \u00d7 ") : T.none; }
  function windowed(layer) { return L.WINDOWED.indexOf(layer.type) >= 0; }
  function isPool(layer) { return L.POOLS.indexOf(layer.type) >= 0; }
  function where(n) { return n === 0 ? T.the_input : fmt(T.layer_ref, { n: n }); }
  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("calc-status--error", !!isError);
  }

  /* "a to b" for consecutive indices, runs joined by the list separator, long lists cut short. */
  function ranges(list) {
    var runs = [];
    list.forEach(function (x) {
      var last = runs[runs.length - 1];
      if (last && x === last[1] + 1) last[1] = x; else runs.push([x, x]);
    });
    var shown = runs.slice(0, 5).map(function (r) {
      return r[0] === r[1] ? idx(r[0]) : fmt(T.range, { a: idx(r[0]), b: idx(r[1]) });
    }).join(T.sep);
    return runs.length > 5 ? fmt(T.more, { list: shown, n: list.length }) : shown;
  }

  /* A layer in a few symbols (table rows, the drawing's layer menu). */
  function describe(layer) {
    var v = function (x) { return x === null || x === undefined || (typeof x === "number" && isNaN(x)) ? "?" : x; };
    var parts = [T.short[layer.type]];
    if (windowed(layer)) parts.push(v(layer.k) + "\u00d7" + v(layer.k));
    if ("out" in layer) parts.push("\u2192 " + v(layer.out));
    if (windowed(layer)) {
      if (layer.s !== (isPool(layer) ? layer.k : 1)) parts.push("s" + v(layer.s));
      if (layer.p !== 0) parts.push(L.PAD_MODES.indexOf(layer.p) >= 0 ? T.pad_short[layer.p] : "p" + v(layer.p));
      if ("d" in layer && layer.d !== 1) parts.push("d" + v(layer.d));
      if ("g" in layer && layer.g !== 1) parts.push("g" + v(layer.g));
      if (layer.ceil) parts.push("ceil");
    }
    if (layer.bias === false) parts.push(T.no_bias);
    return parts.join(" ");
  }

  function message(error) {
    var e = T.errors;
    switch (error.code) {
      case "value": return fmt(e.value, { field: T.field_names[error.field] || error.field, min: num(error.min), max: num(error.max) });
      case "groups": return fmt(error.which === "in" ? e.groups_in : e.groups_out, { channels: num(error.channels), groups: num(error.groups) });
      case "same_stride": return fmt(e.same_stride, { s: num(error.s) });
      case "pool_pad": return fmt(e.pool_pad, { p: num(error.p), k: num(error.k) });
      case "too_small": return fmt(e.too_small, { axis: T.axes[error.axis], n: num(error.n), padded: num(error.padded), span: num(error.span) });
      case "blocked": return fmt(e.blocked, { where: where(error.by) });
      default: return e[error.code] || error.code;
    }
  }
  // the field a message is about: it gets aria-invalid and the message as its description
  var ERROR_FIELD = { groups: "g", same_stride: "p", pool_same: "p", pool_pad: "p", ceil_same: "ceil", too_small: "k" };

  /* ---- the page's parts ---------------------------------------------------------------------- */
  function numberField(label, value, onValue, min) {
    var input = el("input", { type: "number", inputmode: "numeric", min: min, step: 1, value: value === null ? "" : value });
    input.addEventListener("input", function () {
      var raw = input.value.trim(), n = raw === "" ? null : Number(raw);
      onValue(n === null || isNaN(n) ? null : n);
    });
    return { box: el("label", { "class": "calc-field" }, [el("span", { text: label }), input]), input: input };
  }

  var inputBox = el("fieldset", { "class": "calc-input" }, [el("legend", { text: T.input })]);
  var inputFields = ["c", "h", "w"].map(function (name, i) {
    var f = numberField(T.field_names[name], state.input[i], function (v) { state.input[i] = v; update(); }, 1);
    inputBox.appendChild(f.box);
    return f.input;
  });
  var list = el("ol", { "class": "calc-layers" });
  var addType = el("select", { "aria-label": T.add_type });
  TYPES.forEach(function (t) { addType.appendChild(el("option", { value: t, text: T.types[t] })); });
  var addButton = el("button", { type: "button", "class": "md-button", text: T.add });
  var tbody = el("tbody"), tfoot = el("tfoot");
  var head = el("tr", {}, ["n", "layer", "out", "params", "macs", "rf", "jump"].map(function (k) {
    return el("th", { scope: "col", text: T.columns[k] });
  }));
  var table = el("table", { "class": "calc-table" }, [el("caption", { text: T.results_caption }), el("thead", {}, [head]), tbody, tfoot]);
  var flops = el("p", { "class": "calc-flops" });
  var linkBox = el("input", { type: "url", readonly: true, "class": "calc-link", id: "calc-link" });
  var copyButton = el("button", { type: "button", "class": "md-button", text: T.copy });
  var status = el("p", { "class": "calc-status", role: "status" });
  var showSelect = el("select", { id: "calc-show" });
  var moves = [["prev_col", 0, -1, "\u2190"], ["next_col", 0, 1, "\u2192"], ["prev_row", -1, 0, "\u2191"], ["next_row", 1, 0, "\u2193"]];
  var moveButtons = el("div", { "class": "calc-moves" }, moves.map(function (m) {
    var b = el("button", { type: "button", "class": "md-button", "aria-label": T.moves[m[0]], title: T.moves[m[0]], text: m[3] });
    b.addEventListener("click", function () { move(m[1], m[2]); });
    return b;
  }));
  var figure = el("div", { "class": "calc-figure", tabindex: "0", role: "group", "aria-label": T.figure_label, "aria-describedby": "calc-where" });
  var where_ = el("p", { "class": "calc-where", id: "calc-where", "aria-live": "polite" });
  var legend = el("ul", { "class": "calc-legend" }, ["in", "pad", "tap", "unread", "over", "out"].map(function (k) {
    var swatch = svg("svg", { width: 14, height: 14, viewBox: "0 0 14 14", "aria-hidden": "true", "class": "calc-swatch" });
    swatch.appendChild(svg("rect", { x: 1, y: 1, width: 12, height: 12, "class": "calc-cell calc-cell--" + (k === "tap" ? "in" : k) }));
    if (k === "tap") swatch.appendChild(svg("circle", { cx: 7, cy: 7, r: 4, "class": "calc-tap" }));
    if (k === "unread") swatch.appendChild(svg("path", { d: "M4 4l6 6M10 4l-6 6", "class": "calc-cross" }));
    var li = el("li", {}, [el("span", { text: T.legend[k] })]);
    li.insertBefore(swatch, li.firstChild);
    return li;
  }));

  root.textContent = "";
  // results first (a shared link opens on its answers), then the drawing, then the stack to edit
  root.appendChild(el("div", { "class": "calc-editor" }, [
    el("h2", { id: "calc-results", text: T.results }),
    el("div", { "class": "calc-table-box", tabindex: "0", role: "region", "aria-labelledby": "calc-results" }, [table]),
    flops,
    el("p", { "class": "calc-share" }, [el("label", { "for": "calc-link", text: T.link }), linkBox, copyButton]),
    status,
    el("h2", { id: "calc-window", text: T.window }),
    el("p", { "class": "calc-show" }, [el("label", { "for": "calc-show", text: T.draw }), showSelect]),
    el("p", { "class": "calc-keys", text: T.keys }),
    moveButtons, figure, where_, legend,
    el("h2", { id: "calc-stack", text: T.stack }),
    inputBox, list,
    el("div", { "class": "calc-add" }, [addType, addButton])
  ]));

  /* ---- layer cards (rebuilt when the stack's structure changes) ------------------------------- */
  var cards = [];
  function padSelect(layer, onMode) {
    var select = el("select", {});
    ["number"].concat(L.PAD_MODES).forEach(function (mode) {
      if (mode === "same" && isPool(layer)) return;
      select.appendChild(el("option", { value: mode, text: T.pad_modes[mode] }));
    });
    select.value = L.PAD_MODES.indexOf(layer.p) >= 0 ? layer.p : "number";
    select.addEventListener("change", function () { onMode(select.value); });
    return select;
  }

  function card(layer, i) {
    var n = i + 1, id = "calc-l" + (++uid), fields = {};
    var typeSelect = el("select", { id: id + "-type" });
    TYPES.forEach(function (t) { typeSelect.appendChild(el("option", { value: t, text: T.types[t] })); });
    typeSelect.value = layer.type;
    typeSelect.addEventListener("change", function () { retype(i, typeSelect.value); });
    var body = el("div", { "class": "calc-fields" }, [el("label", { "class": "calc-field" }, [el("span", { text: T.type }), typeSelect])]);
    function addNumber(name, label, min) {
      var f = numberField(label, layer[name], function (v) { layer[name] = v; update(); }, min);
      fields[name] = f.input;
      body.appendChild(f.box);
    }
    if ("out" in layer) addNumber("out", layer.type === "fc" ? T.field_names.out_fc : T.field_names.out, 1);
    if (windowed(layer)) {
      addNumber("k", T.field_names.k, 1);
      addNumber("s", T.field_names.s, 1);
      var pn = numberField(T.field_names.pn, typeof layer.p === "number" ? layer.p : 0, function (v) { layer.p = v; update(); }, 0);
      var mode = padSelect(layer, function (m) {
        layer.p = m === "number" ? (pn.input.value === "" ? null : Number(pn.input.value)) : m;
        pn.box.hidden = m !== "number";
        if (m === "tfsame" && layer.ceil) { layer.ceil = false; if (fields.ceil) fields.ceil.checked = false; }
        if (fields.ceil) fields.ceil.disabled = m === "tfsame";
        update();
      });
      pn.box.hidden = typeof layer.p !== "number" && layer.p !== null;
      fields.p = mode;
      fields.pn = pn.input;
      body.appendChild(el("label", { "class": "calc-field" }, [el("span", { text: T.field_names.p }), mode]));
      body.appendChild(pn.box);
      if ("d" in layer) addNumber("d", T.field_names.d, 1);
      if ("g" in layer) addNumber("g", T.field_names.g, 1);
    }
    ["bias", "ceil"].forEach(function (name) {
      if (!(name in layer)) return;
      var box = el("input", { type: "checkbox" });
      box.checked = layer[name];
      box.disabled = name === "ceil" && layer.p === "tfsame";
      box.addEventListener("change", function () { layer[name] = box.checked; update(); });
      fields[name] = box;
      body.appendChild(el("label", { "class": "calc-check" }, [box, el("span", { text: T.field_names[name] })]));
    });
    var out = el("p", { "class": "calc-layer-result", id: id + "-result" });
    var buttons = el("div", { "class": "calc-layer-buttons" }, [
      button(T.up, n, i > 0 ? function () { moveLayer(i, -1, "up"); } : null, "\u2191"),
      button(T.down, n, i < state.layers.length - 1 ? function () { moveLayer(i, 1, "down"); } : null, "\u2193"),
      button(T.remove, n, function () { removeLayer(i); }, "\u00d7")
    ]);
    var legendText = el("legend", { text: fmt(T.layer, { n: n }) });
    var box = el("li", { "class": "calc-layer" }, [el("fieldset", {}, [legendText, body, out, buttons])]);
    return { li: box, fields: fields, out: out, type: typeSelect, buttons: buttons, id: id };
  }

  function button(label, n, action, symbol) {
    var b = el("button", { type: "button", "class": "md-button calc-small", "aria-label": fmt(label, { n: n }), title: fmt(label, { n: n }), text: symbol });
    if (action) b.addEventListener("click", action); else b.disabled = true;
    return b;
  }

  function renderCards(focus) {
    list.textContent = "";
    cards = state.layers.map(function (layer, i) { var c = card(layer, i); list.appendChild(c.li); return c; });
    update();
    if (focus) focus();
  }

  function retype(i, type) {
    var old = state.layers[i], r = result && result.layers[i];
    var keep = {};
    L.FIELDS[type].forEach(function (name) {
      if (name in old && !(name === "p" && old.p === "same" && L.POOLS.indexOf(type) >= 0)) keep[name] = old[name];
    });
    if (L.FIELDS[type].indexOf("out") >= 0 && !("out" in keep)) keep.out = r && r["in"] ? r["in"][0] : 64;
    if (L.POOLS.indexOf(type) >= 0 && !("s" in keep && L.POOLS.indexOf(old.type) >= 0)) { keep.k = keep.k || 2; keep.s = keep.k; }
    state.layers[i] = L.makeLayer(type, keep);
    renderCards(function () { cards[i].type.focus(); });
  }
  function moveLayer(i, by, dir) {
    var l = state.layers.splice(i, 1)[0];
    state.layers.splice(i + by, 0, l);
    renderCards(function () {
      var b = cards[i + by].buttons.children[dir === "up" ? 0 : 1];
      (b.disabled ? cards[i + by].type : b).focus();
    });
  }
  function removeLayer(i) {
    state.layers.splice(i, 1);
    if (state.show !== null && state.show > i + 1) state.show -= 1;
    renderCards(function () { (cards[i] ? cards[i].type : cards.length ? cards[cards.length - 1].type : addType).focus(); });
  }
  addButton.addEventListener("click", function () {
    var t = addType.value, last = result && result.total ? result.total.out : null;
    var c = last ? last[0] : state.input[0];
    var fields = { conv: { out: c, k: 3, p: 1 }, dw: { out: c, k: 3, p: 1 }, max: { k: 2 }, avg: { k: 2 }, fc: { out: 10 }, gap: {} }[t];
    state.layers.push(L.makeLayer(t, fields));
    renderCards(function () { cards[cards.length - 1].type.focus(); });
  });

  /* ---- results ---------------------------------------------------------------------------- */
  function update() {
    result = L.evaluate({ input: state.input, layers: state.layers });
    inputFields.forEach(function (input, i) {
      var bad = result.input_error && result.input_error.field === ["c", "h", "w"][i];
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    });
    tbody.textContent = "";
    var inputRow = el("tr", { "class": "calc-row-input" }, [el("td", { text: "0" }), el("td", { text: T.input }),
      el("td", { text: result.input_error ? T.none : shape(state.input) }), el("td", { text: "" }), el("td", { text: "" }),
      el("td", { text: "1" }), el("td", { text: "1" })]);
    tbody.appendChild(inputRow);
    if (result.input_error) tbody.appendChild(errorRow(message(result.input_error), "0"));
    result.layers.forEach(function (r, i) {
      var layer = state.layers[i], c = cards[i];
      var row = el("tr", { "data-layer": i + 1 }, [el("th", { scope: "row", text: String(i + 1) }), el("td", { text: describe(layer) })]);
      Object.keys(c.fields).forEach(function (k) { c.fields[k].setAttribute("aria-invalid", "false"); c.fields[k].removeAttribute("aria-describedby"); });
      if (r.error) {
        row.classList.add("calc-row-error");
        var text = message(r.error);
        row.appendChild(el("td", { colspan: 5, "class": "calc-error-cell", text: text }));
        c.out.textContent = text;
        c.out.classList.add("calc-error");
        var name = r.error.code === "value" ? r.error.field : ERROR_FIELD[r.error.code];
        var field = c.fields[name === "p" && L.PAD_MODES.indexOf(layer.p) < 0 ? "pn" : name];
        if (field) { field.setAttribute("aria-invalid", "true"); field.setAttribute("aria-describedby", c.id + "-result"); }
      } else {
        [shape(r.out), num(r.params), num(r.macs), r.rf === null ? T.global : num(r.rf), r.jump === null ? T.none : num(r.jump)]
          .forEach(function (t) { row.appendChild(el("td", { text: t })); });
        c.out.classList.remove("calc-error");
        c.out.textContent = fmt(T.card_result, { out: shape(r.out), params: num(r.params), macs: num(r.macs),
          rf: r.rf === null ? T.global : fmt(T.rf_jump, { rf: num(r.rf), jump: num(r.jump) }) });
      }
      tbody.appendChild(row);
    });
    tfoot.textContent = "";
    var t = result.total;
    var foot = el("tr", {}, [el("th", { scope: "row", colspan: 2, text: T.total })]);
    if (t) {
      [shape(t.out), num(t.params), num(t.macs), t.rf === null ? T.global : num(t.rf), t.jump === null ? T.none : num(t.jump)]
        .forEach(function (x) { foot.appendChild(el("td", { text: x })); });
      flops.textContent = fmt(T.flops, { params: short(t.params), macs: short(t.macs), flops: short(2 * t.macs) });
    } else {
      var first = result.input_error ? 0 : result.layers.findIndex(function (r) { return r.error && r.error.code !== "blocked"; }) + 1;
      foot.appendChild(el("td", { colspan: 5, text: fmt(T.errors.no_total, { where: where(first) }) }));
      flops.textContent = "";
    }
    tfoot.appendChild(foot);
    share();
    draw();
  }
  function errorRow(text, n) {
    return el("tr", { "class": "calc-row-error" }, [el("th", { scope: "row", text: n }), el("td", { colspan: 6, "class": "calc-error-cell", text: text })]);
  }

  /* ---- the link ---------------------------------------------------------------------------- */
  /* Whether every field can be written in a link (a whole number, or a padding mode); a value
     out of range is shareable: the link's reader sees the same message at the same layer. */
  function writable() {
    var whole = function (v) { return Number.isInteger(v) && v >= 0 && v <= 999999999; };
    return state.input.every(whole) && state.layers.every(function (l) {
      return L.FIELDS[l.type].every(function (f) {
        if (f === "bias" || f === "ceil") return typeof l[f] === "boolean";
        return (f === "p" && L.PAD_MODES.indexOf(l.p) >= 0) || whole(l[f]);
      });
    });
  }
  function share() {
    if (!writable()) return;  // an empty or fractional field: the link keeps the last stack it could write
    var q = L.toQuery({ input: state.input, layers: state.layers, show: state.show });
    var url = location.href.split(/[?#]/)[0] + "?" + q;
    linkBox.value = url;
    try { history.replaceState(history.state, "", "?" + q + location.hash); } catch (e) { /* file: URLs */ }
  }
  copyButton.addEventListener("click", function () {
    var done = function () { say(T.copied); }, fail = function () { linkBox.focus(); linkBox.select(); say(T.copy_failed, true); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(linkBox.value).then(done, fail);
    else fail();
  });

  /* ---- the window drawing ----------------------------------------------------------------- */
  function drawable() {
    return state.layers.map(function (l, i) { return i; }).filter(function (i) {
      return windowed(state.layers[i]) && result.layers[i] && !result.layers[i].error;
    });
  }
  showSelect.addEventListener("change", function () { state.show = Number(showSelect.value); state.pos = [0, 0]; update(); });
  function move(di, dj) {
    var r = state.show && result.layers[state.show - 1];
    if (!r || r.error) return;
    state.pos = [Math.min(Math.max(state.pos[0] + di, 0), r.out[1] - 1), Math.min(Math.max(state.pos[1] + dj, 0), r.out[2] - 1)];
    draw();
  }
  figure.addEventListener("keydown", function (e) {
    var r = state.show && result.layers[state.show - 1];
    var keys = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (keys[e.key]) move(keys[e.key][0], keys[e.key][1]);
    else if (e.key === "Home") { state.pos = [0, 0]; draw(); }
    else if (e.key === "End" && r && !r.error) { state.pos = [r.out[1] - 1, r.out[2] - 1]; draw(); }
    else return;
    e.preventDefault();
  });
  var lastWidth = 0;
  window.addEventListener("resize", function () { if (Math.abs(root.clientWidth - lastWidth) > 20) draw(); });

  /* The cells of an axis that fit in the view: the whole padded axis when it fits, otherwise a
     stretch around the window (the view follows the window). Padded coordinates: 0 = first row. */
  function view(total, start, length, cells) {
    if (total <= cells) return [0, total];
    var from = Math.max(0, Math.min(start - Math.floor((cells - length) / 2), total - cells));
    return [from, from + cells];
  }
  function kind(ax, x) {
    if (x < ax.before) return "pad";
    if (x >= ax.before + ax.n + ax.after) return "over";
    if (x >= ax.before + ax.n) return "pad";
    return ax.cover[x - ax.before] ? "in" : "unread";
  }
  var RANK = { over: 4, pad: 3, unread: 2, "in": 1 };

  function grid(rowsAx, colsAx, rowView, colView, label, paint) {
    var w = LABEL_W + (colView[1] - colView[0]) * CELL + 2, h = LABEL_H + (rowView[1] - rowView[0]) * CELL + 2;
    var s = svg("svg", { "class": "calc-svg", viewBox: "0 0 " + w + " " + h, width: w, height: h, role: "img", "aria-label": label });
    var step = function (v, ax) {  // a label on every cell while the labels fit in it
      var cells = v[1] - v[0], widest = Math.max(idx(v[0] - ax.before).length, idx(v[1] - 1 - ax.before).length);
      return cells <= 16 && widest <= 3 ? 1 : cells <= 32 ? 2 : 5;
    };
    [[colView, colsAx, true], [rowView, rowsAx, false]].forEach(function (a) {
      var v = a[0], ax = a[1], st = step(v, ax);
      for (var x = v[0]; x < v[1]; x++) {
        var i = x - ax.before;
        if (((i % st) + st) % st && x !== v[0] && x !== v[1] - 1) continue;
        if (a[2]) s.appendChild(svg("text", { x: LABEL_W + (x - v[0] + 0.5) * CELL, y: LABEL_H - 5, "class": "calc-label", "text-anchor": "middle" }, idx(i)));
        else s.appendChild(svg("text", { x: LABEL_W - 4, y: LABEL_H + (x - v[0] + 0.5) * CELL + 4, "class": "calc-label", "text-anchor": "end" }, idx(i)));
      }
    });
    paint(s, function (r, c) { return [LABEL_W + (c - colView[0]) * CELL + 1, LABEL_H + (r - rowView[0]) * CELL + 1]; });
    return s;
  }

  function draw() {
    lastWidth = root.clientWidth;
    var choices = drawable();
    showSelect.textContent = "";
    choices.forEach(function (i) { showSelect.appendChild(el("option", { value: i + 1, text: fmt(T.layer, { n: i + 1 }) + " \u00b7 " + describe(state.layers[i]) })); });
    if (choices.indexOf((state.show || 0) - 1) < 0) { state.show = choices.length ? choices[0] + 1 : null; state.pos = [0, 0]; }
    showSelect.disabled = !choices.length;
    moveButtons.hidden = !choices.length;
    figure.textContent = "";
    if (!choices.length) { where_.textContent = T.no_window; return; }
    showSelect.value = String(state.show);
    var n = state.show, layer = state.layers[n - 1], r = result.layers[n - 1], inShape = r["in"];
    if (Math.max(inShape[1], inShape[2]) > DRAW_LIMIT || layer.k > DRAW_LIMIT / 20) {  // drawing it would stall the page
      moveButtons.hidden = true;
      where_.textContent = fmt(T.too_big, { n: num(DRAW_LIMIT) });
      return;
    }
    var rows = L.windowAxis(inShape[1], layer), cols = L.windowAxis(inShape[2], layer);
    var i = Math.min(state.pos[0], rows.out - 1), j = Math.min(state.pos[1], cols.out - 1);
    state.pos = [i, j];
    var d = "d" in layer ? layer.d : 1, s = layer.s;
    var rowTaps = [], colTaps = [];
    for (var t = 0; t < layer.k; t++) { rowTaps.push(i * s + t * d); colTaps.push(j * s + t * d); }
    // how many cells fit: the figure box, less the output grid beside it when there is room
    var cells = Math.max(6, Math.min(16, Math.floor((root.clientWidth - LABEL_W - 8) / CELL)));
    var rowTotal = rows.before + rows.n + rows.after + rows.overhang, colTotal = cols.before + cols.n + cols.after + cols.overhang;
    var rv = view(rowTotal, i * s, rows.span, Math.max(cells, Math.min(rows.span + 2, 64)));
    var cv = view(colTotal, j * s, cols.span, Math.max(cells, Math.min(cols.span + 2, 64)));
    var picture = grid(rows, cols, rv, cv, fmt(T.input_label, { n: n }), function (g, at) {
      for (var y = rv[0]; y < rv[1]; y++) {
        for (var x = cv[0]; x < cv[1]; x++) {
          var a = kind(rows, y), b = kind(cols, x), k = RANK[a] >= RANK[b] ? a : b, p = at(y, x);
          g.appendChild(svg("rect", { x: p[0], y: p[1], width: CELL - 2, height: CELL - 2, "class": "calc-cell calc-cell--" + k }));
          if (k === "unread") g.appendChild(svg("path", { d: "M" + (p[0] + 5) + " " + (p[1] + 5) + "l8 8m0 -8l-8 8", "class": "calc-cross" }));
        }
      }
      rowTaps.forEach(function (y) {
        colTaps.forEach(function (x) {
          if (y < rv[0] || y >= rv[1] || x < cv[0] || x >= cv[1]) return;
          var p = at(y, x);
          g.appendChild(svg("circle", { cx: p[0] + CELL / 2 - 1, cy: p[1] + CELL / 2 - 1, r: 5, "class": "calc-tap" }));
        });
      });
      var y0 = Math.max(i * s, rv[0]), y1 = Math.min(i * s + rows.span, rv[1]);
      var x0 = Math.max(j * s, cv[0]), x1 = Math.min(j * s + cols.span, cv[1]), p0 = at(y0, x0);
      g.appendChild(svg("rect", { x: p0[0] - 1, y: p0[1] - 1, width: (x1 - x0) * CELL, height: (y1 - y0) * CELL, "class": "calc-span" }));
    });
    var outCells = Math.max(4, Math.min(8, cells >> 1));
    var ov = view(r.out[1], i, 1, outCells), ow = view(r.out[2], j, 1, outCells);
    var unit = { before: 0 };
    var output = grid(unit, unit, ov, ow, fmt(T.output_label, { n: n }), function (g, at) {
      for (var y = ov[0]; y < ov[1]; y++) {
        for (var x = ow[0]; x < ow[1]; x++) {
          var p = at(y, x);
          g.appendChild(svg("rect", { x: p[0], y: p[1], width: CELL - 2, height: CELL - 2, "class": "calc-cell calc-cell--" + (y === i && x === j ? "out" : "in") }));
        }
      }
    });
    figure.appendChild(el("div", { "class": "calc-panel" }, [el("p", { text: T.input_title }), picture]));
    figure.appendChild(el("div", { "class": "calc-panel" }, [el("p", { text: T.output_title }), output]));
    where_.textContent = describeWindow(layer, rows, cols, i, j, rowTaps, colTaps, rv, cv, r);
  }

  function describeWindow(layer, rows, cols, i, j, rowTaps, colTaps, rv, cv, r) {
    function taps(list, ax) {
      var xs = list.map(function (x) { return x - ax.before; });
      return ("d" in layer && layer.d > 1) ? xs.map(idx).join(T.sep) : fmt(T.range, { a: idx(xs[0]), b: idx(xs[xs.length - 1]) });
    }
    function unread(ax) {
      var xs = [];
      ax.cover.forEach(function (c, x) { if (!c) xs.push(x); });
      return xs.length ? ranges(xs) : T.none_read;
    }
    var parts = [
      fmt(T.where, { i: i, j: j, ho: num(r.out[1]), wo: num(r.out[2]), rows: taps(rowTaps, rows), cols: taps(colTaps, cols) }),
      fmt(T.padding_desc, { top: rows.before, bottom: rows.after, left: cols.before, right: cols.after }),
      fmt(T.unread_desc, { rows: unread(rows), cols: unread(cols) })
    ];
    if (rows.overhang || cols.overhang) parts.push(fmt(T.overhang_desc, { rows: rows.overhang, cols: cols.overhang }));
    parts.push(fmt(T.view_desc, { r0: idx(rv[0] - rows.before), r1: idx(rv[1] - 1 - rows.before),
      c0: idx(cv[0] - cols.before), c1: idx(cv[1] - 1 - cols.before) }));
    return parts.join(T.sentences);
  }

  /* ---- start: the stack in the URL, or the page's default example ----------------------------- */
  var query = location.search.length > 1 ? location.search : "?" + DEFAULT;
  var parsed = L.parseQuery(query);
  if (!parsed.input && !parsed.layers.length && !parsed.problems.length) parsed = L.parseQuery(DEFAULT);
  if (parsed.input) state.input = parsed.input;
  state.layers = parsed.layers;
  state.show = parsed.show;
  inputFields.forEach(function (input, i) { input.value = state.input[i]; });
  if (parsed.problems.length) say(fmt(T.unread_link, { list: parsed.problems.join(T.sep) }), true);
  renderCards();
  window.dlieCalculator = { state: state, result: function () { return result; } };  // for the browser tests
})();

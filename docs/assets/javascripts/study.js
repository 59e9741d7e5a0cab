/* Study mode: practice mode (answers hidden until revealed), progress per question, overview
   filter, random question, export/import of progress. Everything stays in this browser
   (localStorage); without JavaScript nothing is hidden and the controls stay hidden.
   Messages come from the build (hooks/study.py: data-labels, data-messages) in the page's
   language and are shown in the page's live region (.study-status). */
(function () {
  "use strict";
  var PRACTICE = "dlie:practice", PROGRESS = "dlie:progress";
  var STATES = ["new", "reviewing", "mastered"];
  /* Export files: {format, version, site, exported, questions, progress}. Version 1 files
     ({version: 1, progress}) are read too; a newer version is refused, not guessed at. */
  var FORMAT = "dl-interview-explained/progress", VERSION = 2, MAX_BYTES = 256 * 1024;
  var MSG = {}, storageTold = false;

  /* A message with its {name}s filled in; {name:one|other} picks the English singular or plural. */
  function msg(key, values) {
    return (MSG[key] || key).replace(/\{(\w+)(?::([^|}]*)\|([^}]*))?\}/g, function (m, k, one, other) {
      if (!values || !(k in values)) return m;
      return one === undefined ? values[k] : values[k] === 1 ? one : other;
    });
  }
  function announce(text, isError) {  // returns whether the page has a place to say it
    var el = document.querySelector(".study-status");
    if (!el) return false;
    el.textContent = text;
    el.classList.toggle("study-status--error", !!isError);
    return true;
  }
  function storageFailed(always) {  // told once per page, or every time an action depends on it
    if ((always || !storageTold) && announce(msg("storage"), true)) storageTold = true;
  }
  function load(key, fallback) {
    var raw;
    try { raw = localStorage.getItem(key); } catch (e) { storageFailed(); return fallback; }
    try { var v = JSON.parse(raw); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; }
    catch (e) { storageFailed(); return false; }
  }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function progress() { var p = load(PROGRESS, {}); return isObject(p) ? p : {}; }
  function marked(p) { return Object.keys(p).filter(function (k) { return p[k] === "reviewing" || p[k] === "mastered"; }); }

  /* An export file's text -> {progress, version, exported} or {error, detail}; the error codes
     name the messages err_<code>. Pure, so that its cases can be tested on their own. */
  function parseProgressFile(text, knownIds) {
    function fail(code, detail) { return { error: code, detail: detail }; }
    if (typeof text !== "string" || !text.trim()) return fail("empty_file");
    if (text.length > MAX_BYTES) return fail("too_large", Math.ceil(text.length / 1024));
    var data;
    try { data = JSON.parse(text); } catch (e) { return fail("not_json"); }
    if (!isObject(data)) return fail("not_progress");
    var legacy = data.format === undefined && data.version === 1 && "progress" in data;
    if (data.format !== FORMAT && !legacy) return fail("not_progress");
    if (typeof data.version !== "number" || data.version % 1 !== 0 || data.version < 1) return fail("bad_types");
    if (data.version > VERSION) return fail("newer_version", data.version);
    if (!isObject(data.progress)) return fail("bad_types");
    var ids = Object.keys(data.progress), clean = {}, badIds = [], badStates = [];
    if (!ids.length) return fail("no_entries");
    for (var i = 0; i < ids.length; i++) {
      var k = ids[i], v = data.progress[k];
      if (typeof v !== "string") return fail("bad_types");
      if (knownIds.indexOf(k) < 0) badIds.push(k);
      else if (STATES.indexOf(v) < 0) { if (badStates.indexOf(v) < 0) badStates.push(v); }
      else clean[k] = v;
    }
    if (badIds.length) return fail("unknown_ids", badIds);
    if (badStates.length) return fail("unknown_states", badStates);
    var date = typeof data.exported === "string" && /^\d{4}-\d\d-\d\d/.test(data.exported) ? data.exported.slice(0, 10) : null;
    return { progress: clean, version: data.version, exported: date };
  }
  window.dlieStudy = { parseProgressFile: parseProgressFile };  // for the browser tests

  /* --- question pages: practice mode and progress ------------------------------------ */
  function setupQuestion(box) {
    var article = box.closest("article");
    var labels = JSON.parse(box.getAttribute("data-labels"));
    /* The answer sections come wrapped, each after its hidden reveal button, from the build
       (hooks/study.py): moving them here restyled the whole page at start-up. */
    var sections = Array.prototype.map.call(article.querySelectorAll(".study-reveal"), function (btn, i) {
      var wrap = btn.nextElementSibling;
      wrap.id = "study-answer-" + i;
      btn.setAttribute("aria-controls", wrap.id);
      btn.addEventListener("click", function () { show(i, btn.getAttribute("aria-expanded") !== "true"); });
      return { wrap: wrap, btn: btn };
    });
    function show(i, open) {
      var s = sections[i];
      s.wrap.hidden = !open;
      s.btn.setAttribute("aria-expanded", String(open));
      s.btn.textContent = open ? labels.hide : labels.reveal;
    }
    var all = document.createElement("button");
    all.type = "button";
    all.className = "md-button study-reveal-all";
    all.textContent = labels.reveal_all;
    all.addEventListener("click", function () { sections.forEach(function (_, i) { show(i, true); }); });
    box.appendChild(all);

    var toggle = box.querySelector('input[name="study-practice"]');
    function apply(on) {
      article.classList.toggle("study-practicing", on);
      all.hidden = !on;
      sections.forEach(function (s, i) { s.btn.hidden = !on; show(i, !on); });
    }
    toggle.checked = load(PRACTICE, false) === true;
    apply(toggle.checked);
    toggle.addEventListener("change", function () { save(PRACTICE, toggle.checked); apply(toggle.checked); });

    var q = box.getAttribute("data-q");
    var radios = box.querySelectorAll('input[name="study-progress"]');
    function sync() {  // also when another tab changes the progress
      var current = progress()[q] || "new";
      radios.forEach(function (r) { r.checked = r.value === current; });
    }
    radios.forEach(function (r) {
      r.addEventListener("change", function () {
        var p = progress(); p[q] = r.value; save(PROGRESS, p);
      });
    });
    sync();
    box.hidden = false;
    return sync;
  }

  /* --- overview: filter, progress column, counts, reset, export/import ---------------- */
  function setupOverview(table) {
    var form = document.querySelector(".study-filter");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    function checked(name) {
      return Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (i) { return i.value; });
    }
    function filter() {
      var tags = checked("tag"), levels = checked("level");
      rows.forEach(function (r) {
        var rt = r.getAttribute("data-tags").split(" ");
        var okTag = !tags.length || tags.some(function (t) { return rt.indexOf(t) >= 0; });
        var okLevel = !levels.length || levels.indexOf(r.getAttribute("data-level")) >= 0;
        r.hidden = !(okTag && okLevel);
      });
    }
    if (form) {
      var m = /[?&]tag=([\w-]+)/.exec(location.search);
      if (m) { var box = form.querySelector('input[name="tag"][value="' + m[1] + '"]'); if (box) box.checked = true; }
      form.addEventListener("change", filter);
      form.hidden = false;
      filter();
    }
    renderProgress();
  }

  function renderProgress() {
    var summary = document.querySelector(".study-summary");
    var labels = summary ? JSON.parse(summary.getAttribute("data-states")) : null;
    var p = progress(), counts = { new: 0, reviewing: 0, mastered: 0 };
    var rows = document.querySelectorAll(".study-table tbody tr");
    rows.forEach(function (r) {
      var s = p[r.getAttribute("data-q")] || "new";
      counts[s] = (counts[s] || 0) + 1;
      r.setAttribute("data-state", s);
      if (labels) r.querySelector(".study-state").textContent = labels[STATES.indexOf(s)];
    });
    if (summary) {
      if (!rows.length) {  // home page: count over all questions
        var total = parseInt(summary.getAttribute("data-total"), 10);
        counts = { new: 0, reviewing: 0, mastered: 0 };
        Object.keys(p).forEach(function (k) { if (counts[p[k]] !== undefined) counts[p[k]]++; });
        counts["new"] = total - counts.reviewing - counts.mastered;
      }
      summary.querySelectorAll("[data-count]").forEach(function (el) { el.textContent = counts[el.getAttribute("data-count")]; });
      summary.hidden = false;
    }
  }

  function setupTools(tools) {
    var ids = JSON.parse(tools.getAttribute("data-ids"));
    var reset = tools.querySelector(".study-reset"), input = tools.querySelector(".study-import");
    var dialog = tools.querySelector(".study-import-dialog"), pending = null;
    tools.hidden = false;

    reset.addEventListener("click", function () {
      var n = marked(progress()).length;
      if (!n) { announce(msg("reset_nothing")); return; }
      if (window.confirm(msg("confirm", { n: n })) && save(PROGRESS, {})) {
        renderProgress(); announce(msg("reset_done", { n: n }));
      }
    });

    tools.querySelector(".study-export").addEventListener("click", function () {
      var p = progress(), clean = {};
      ids.forEach(function (k) { if (STATES.indexOf(p[k]) >= 0) clean[k] = p[k]; });
      var n = Object.keys(clean).length;
      if (!n) { announce(msg("export_empty")); return; }
      var now = new Date().toISOString();
      var file = { format: FORMAT, version: VERSION, site: tools.getAttribute("data-site"), exported: now, questions: ids, progress: clean };
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([JSON.stringify(file, null, 1)], { type: "application/json" }));
      a.download = "dl-interview-progress-" + now.slice(0, 10) + ".json";
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 0);
      announce(msg("exported", { n: n }));
    });

    function refuse(r) {
      var d = r.detail, list = Array.isArray(d) ? d.slice(0, 8).join(msg("list_sep")) + (d.length > 8 ? "…" : "") : "";
      var reason = msg("err_" + r.error, { kb: d, v: d, max: VERSION, list: list });
      announce(msg("import_failed", { reason: reason }), true);
    }
    input.addEventListener("change", function () {
      var f = input.files[0];
      input.value = "";  // choosing the same file again is a new choice
      if (!f) return;
      if (f.size > MAX_BYTES) { refuse({ error: "too_large", detail: Math.ceil(f.size / 1024) }); return; }
      f.text().then(function (text) {
        var r = parseProgressFile(text, ids);
        if (r.error) refuse(r); else preview(r);
      }, function () { refuse({ error: "unreadable" }); });
    });

    /* What the file would change, said before anything changes: merge takes the file's states
       for its questions, replace also resets the questions marked only in this browser. */
    function preview(r) {
      var cur = progress(), file = r.progress;
      var differ = Object.keys(file).filter(function (k) { return (cur[k] || "new") !== file[k]; }).length;
      var onlyHere = marked(cur).filter(function (k) { return !(k in file); }).length;
      pending = r;
      function say(cls, text) { dialog.querySelector(cls).textContent = text; }  // empty lines are not shown (CSS)
      say(".study-import-summary", msg("import_summary", { n: Object.keys(file).length, d: differ }));
      say(".study-import-date", r.exported ? msg("import_date", { date: r.exported }) : "");
      say(".study-import-note", onlyHere ? msg("import_replace_note", { r: onlyHere }) : "");
      dialog.returnValue = "";  // Escape closes with the last value otherwise
      dialog.showModal();
    }
    dialog.addEventListener("close", function () { finish(dialog.returnValue); });
    function finish(choice) {
      var r = pending; pending = null;
      if (!r) return;
      if (choice !== "merge" && choice !== "replace") { announce(msg("import_cancelled")); return; }
      var cur = progress(), next = choice === "replace" ? {} : Object.assign({}, cur);
      Object.keys(r.progress).forEach(function (k) { next[k] = r.progress[k]; });
      var changed = ids.filter(function (k) { return (cur[k] || "new") !== (next[k] || "new"); }).length;
      if (!save(PROGRESS, next)) { storageFailed(true); return; }
      renderProgress();
      announce(msg("imported", { c: changed }));
    }
  }

  function setupRandom(a) {
    a.addEventListener("click", function (e) {
      var urls = JSON.parse(a.getAttribute("data-urls"));
      e.preventDefault();
      location.href = new URL(urls[Math.floor(Math.random() * urls.length)], location.href).href;
    });
  }

  function init() {
    var box = document.querySelector(".study-controls"), tools = document.querySelector(".study-tools");
    if (box) MSG = JSON.parse(box.getAttribute("data-labels"));
    if (tools) MSG = JSON.parse(tools.getAttribute("data-messages"));
    var sync = box && setupQuestion(box);
    var table = document.querySelector(".study-table"), summary = document.querySelector(".study-summary");
    if (table) setupOverview(table); else if (summary) renderProgress();
    if (tools) setupTools(tools);
    document.querySelectorAll(".study-random").forEach(setupRandom);
    window.addEventListener("storage", function (e) {  // progress changed in another tab
      if (e.key !== PROGRESS && e.key !== null) return;
      if (sync) sync();
      if (table || summary) renderProgress();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

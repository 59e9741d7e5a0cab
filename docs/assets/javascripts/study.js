/* Study mode: practice mode (answers hidden until revealed), progress per question, overview
   filter, random question, export/import of progress. Everything stays in this browser
   (localStorage); without JavaScript nothing is hidden and the controls stay hidden. */
(function () {
  "use strict";
  var PRACTICE = "dlie:practice", PROGRESS = "dlie:progress";
  var STATES = ["new", "reviewing", "mastered"];

  function load(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; }
    catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function progress() { var p = load(PROGRESS, {}); return p && typeof p === "object" ? p : {}; }

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
    var current = progress()[q] || "new";
    box.querySelectorAll('input[name="study-progress"]').forEach(function (r) {
      r.checked = r.value === current;
      r.addEventListener("change", function () {
        var p = progress(); p[q] = r.value; save(PROGRESS, p);
      });
    });
    box.hidden = false;
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
    tools.hidden = false;
    tools.querySelector(".study-reset").addEventListener("click", function () {
      if (window.confirm(tools.getAttribute("data-confirm"))) { save(PROGRESS, {}); renderProgress(); }
    });
    tools.querySelector(".study-export").addEventListener("click", function () {
      var blob = new Blob([JSON.stringify({ version: 1, progress: progress() }, null, 1)], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "dl-interview-progress.json";
      document.body.appendChild(a); a.click(); a.remove();
    });
    var input = tools.querySelector(".study-import");
    input.addEventListener("change", function () {
      var f = input.files[0]; if (!f) return;
      f.text().then(function (text) {
        var data = JSON.parse(text), clean = {};
        Object.keys(data.progress || {}).forEach(function (k) {
          if (/^\d\d$/.test(k) && STATES.indexOf(data.progress[k]) >= 0) clean[k] = data.progress[k];
        });
        save(PROGRESS, clean); renderProgress();
      }).catch(function () { window.alert(tools.getAttribute("data-invalid")); });
    });
  }

  function setupRandom(a) {
    a.addEventListener("click", function (e) {
      var urls = JSON.parse(a.getAttribute("data-urls"));
      e.preventDefault();
      location.href = new URL(urls[Math.floor(Math.random() * urls.length)], location.href).href;
    });
  }

  function init() {
    var box = document.querySelector(".study-controls");
    if (box) setupQuestion(box);
    var table = document.querySelector(".study-table");
    if (table) setupOverview(table); else if (document.querySelector(".study-summary")) renderProgress();
    var tools = document.querySelector(".study-tools");
    if (tools) setupTools(tools);
    document.querySelectorAll(".study-random").forEach(setupRandom);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

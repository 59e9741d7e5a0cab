"""The layer calculator (#21). Its arithmetic is tested two ways: the JavaScript module the page
runs (with node) and the Python reference (dlie.layercalc, built on dlie.nn) get the same cases
and must agree field for field; the reference agrees with the pages' own runnable code and with
known answers. Then the links to it and its built page. (In the browser: test_calculator_browser.)"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path

import lxml.html
import numpy as np
import pytest
import yaml

from calc_cases import ERRORS, KNOWN, QUERIES, sweep
from conftest import ROOT
from dlie import calcpages, codeblocks, layercalc, markup, nn, textlint

JS = ROOT / "docs" / "assets" / "javascripts" / "layercalc.js"
HARNESS = ROOT / "tests" / "layercalc_harness.cjs"
QUESTIONS = ROOT / "docs" / "questions"
LINK_RE = re.compile(r"\]\((?:\.\./tools/)?calculator\.md\?([^)\s]+)\)")
LINKED_FROM = (4, 6, 7, 20, 23, 24)  # the questions the issue names


def page_defs(number: int) -> dict:
    """The globals of question ``number``'s runnable block (English page), after running it."""
    [path] = QUESTIONS.glob(f"{number:02d}-*.en.md")
    [block] = codeblocks.runnable_blocks(path)
    return codeblocks.definitions(block)


def linked_queries() -> dict[Path, list[str]]:
    """Every stack a page links to the calculator with, per page (Markdown source)."""
    out = {}
    for path in sorted((ROOT / "docs").rglob("*.md")):
        found = LINK_RE.findall(path.read_text(encoding="utf-8"))
        if found:
            out[path] = [q.replace("&amp;", "&") for q in found]
    return out


# ---- one job, run by both implementations ------------------------------------------------------
def normal(x):
    return json.loads(json.dumps(x, allow_nan=False))


@functools.cache
def the_job() -> dict:
    stacks = [layercalc.parse_query(q) for q in [c[1] for c in KNOWN] + [e[1] for e in ERRORS]]
    stacks += [layercalc.parse_query(q) for qs in linked_queries().values() for q in qs]
    stacks = [{"input": s["input"], "layers": s["layers"]} for s in stacks] + sweep()
    axes = []
    for s in stacks:
        result = layercalc.evaluate(s)
        for layer, r in zip(s["layers"], result["layers"], strict=True):
            if layer["type"] in layercalc.WINDOWED and not r["error"]:
                axes += [[r["in"][1], layer], [r["in"][2], layer]]
    written = [s for s in stacks if not layercalc.evaluate(s)["input_error"] and all(_writable(x) for x in s["layers"])]
    return normal({"stacks": stacks, "queries": QUERIES, "written": written, "axes": axes})


def _writable(layer) -> bool:
    return all(
        isinstance(v, bool) if k in ("bias", "ceil") else (v in layercalc.PAD_MODES or type(v) is int and v >= 0)
        for k, v in layer.items()
        if k != "type"
    )


def python_side(job: dict) -> dict:
    return normal(
        {
            "evaluate": [layercalc.evaluate(s) for s in job["stacks"]],
            "parse": [layercalc.parse_query(q) for q in job["queries"]],
            "toQuery": [layercalc.to_query(s) for s in job["written"]],
            "axes": [layercalc.window_axis(n, layer) for n, layer in job["axes"]],
        }
    )


def js_side(job: dict, module: Path = JS) -> dict:
    r = subprocess.run(
        ["node", str(HARNESS), str(module)], input=json.dumps(job), capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def differences(job: dict, py: dict, js: dict) -> list[str]:
    out = []
    for part in ("evaluate", "parse", "toQuery", "axes"):
        inputs = {"evaluate": job["stacks"], "parse": job["queries"], "toQuery": job["written"], "axes": job["axes"]}
        for case, a, b in zip(inputs[part], py[part], js[part], strict=True):
            if a != b:
                out.append(f"{part} of {json.dumps(case)[:160]}:\n    python {a}\n    js     {b}")
    return out


@functools.cache
def reference() -> dict:
    return python_side(the_job())


def test_js_module_and_python_reference_agree_on_every_case():
    job = the_job()
    py, js = reference(), js_side(job)
    problems = differences(job, py, js)
    assert not problems, f"{len(problems)} difference(s):\n" + "\n".join(problems[:10])
    # the cases reach every layer type, padding mode, rounding and error the module knows
    layers = [layer for s in job["stacks"] for layer in s["layers"]]
    assert {layer["type"] for layer in layers} == set(layercalc.TYPES)
    assert {layer["p"] for layer in layers if "p" in layer} >= {0, 1, 2, *layercalc.PAD_MODES}
    assert {layer.get("ceil") for layer in layers} >= {True, False} and {layer.get("d") for layer in layers} >= {1, 2}
    codes = {r["error"]["code"] for e in py["evaluate"] for r in e["layers"] if r["error"]}
    codes |= {e["input_error"]["code"] for e in py["evaluate"] if e["input_error"]}
    assert codes == {"value", "groups", "same_stride", "pool_same", "ceil_same", "pool_pad", "too_small"} | {
        "overflow",
        "blocked",
    }
    assert len(job["stacks"]) > 3000 and len(job["axes"]) > 3000 and any(p["problems"] for p in py["parse"])


# Faults one could make in the JS module; each must make the comparison fail.
JS_FAULTS = [
    ("ceil_mode keeps a last window that starts in the padding", "if ((out - 1) * s >= n + p) out -= 1;", ""),
    (
        "TF SAME pads the odd row before",
        "return [Math.floor(total / 2), total - Math.floor(total / 2)];",
        "return [total - Math.floor(total / 2), Math.floor(total / 2)];",
    ),
    (
        "groups ignored in the multiply-adds",
        "macs = positions * out * k2 * perGroup;",
        "macs = positions * out * k2 * c;",
    ),
    (
        "dilation ignored in the receptive field",
        "rf = rf + (span(layer) - 1) * jump;",
        "rf = rf + (layer.k - 1) * jump;",
    ),
    ("the bias of a separable layer counted once", "(bias ? c : 0) + c * out", "c * out"),
    ("pooling padding allowed up to the kernel", "2 * p > layer.k", "p > layer.k"),
    ("a link written with a field the parser refuses", 'parts.push("ceil")', 'parts.push("ceilmode")'),
    ("dilated taps read as a solid window", "var at = i * s + t * d - pad[0];", "var at = i * s + t - pad[0];"),
]


@pytest.mark.parametrize("name, original, planted", JS_FAULTS, ids=[f[0] for f in JS_FAULTS])
def test_a_planted_fault_in_the_js_module_is_caught(tmp_path, name, original, planted):
    source = JS.read_text(encoding="utf-8")
    assert source.count(original) == 1, f"the fault's place moved: {original!r}"
    faulty = tmp_path / "layercalc.js"
    faulty.write_text(source.replace(original, planted), encoding="utf-8")
    job = the_job()
    assert differences(job, reference(), js_side(job, faulty)), f"{name}: not caught"


# ---- the reference: known answers, error messages, the pages' code ----------------------------------
@pytest.mark.parametrize("name, query, rows, total", KNOWN, ids=[k[0] for k in KNOWN])
def test_known_answers(name, query, rows, total):
    stack = layercalc.parse_query(query)
    assert stack["problems"] == []
    result = layercalc.evaluate(stack)
    assert result["input_error"] is None and all(r["error"] is None for r in result["layers"])
    for n, (out, params, macs, rf, jump) in rows.items():
        r = result["layers"][n - 1]
        assert (r["out"], r["params"], r["macs"], r["rf"], r["jump"]) == (out, params, macs, rf, jump), f"layer {n}"
    if total:
        t = result["total"]
        assert (t["params"], t["macs"], t["out"], t["rf"], t["jump"]) == total


@pytest.mark.parametrize("name, query, at, code, details", ERRORS, ids=[e[0] for e in ERRORS])
def test_invalid_settings_get_their_message_at_the_offending_layer(name, query, at, code, details):
    result = layercalc.evaluate(layercalc.parse_query(query))
    json.dumps(result, allow_nan=False)  # never NaN, whatever the settings
    error = result["input_error"] if at == 0 else result["layers"][at - 1]["error"]
    assert error and error["code"] == code and details.items() <= error.items(), error
    assert all(r["error"] is None for r in result["layers"][: max(at - 1, 0)])
    assert all(r["error"] == {"code": "blocked", "by": at} for r in result["layers"][at:])
    assert result["total"] is None


def test_the_reference_computes_what_question_6s_code_computes():
    d = page_defs(6)
    out_size, conv2d = d["out_size"], d["conv2d"]
    for n in range(1, 14):
        for k in range(1, 6):
            for s in (1, 2, 3):
                for d_ in (1, 2, 3):
                    for p in (0, 1, 2, 3):
                        layer = layercalc.make_layer("conv", out=1, k=k, s=s, p=p, d=d_)
                        assert layercalc.out_length(n, layer) == out_size(n, k, s, p, d_)
                    # the page's convolution, run with the padding each mode chooses, has its size
                    for mode in ("valid", "tfsame") + (("same",) if s == 1 else ()):
                        layer = layercalc.make_layer("conv", out=1, k=k, s=s, p=mode, d=d_)
                        o = layercalc.out_length(n, layer)
                        if o <= 0:
                            continue
                        shape = conv2d(np.ones((n, n)), np.ones((k, k)), s, layercalc.padding(n, layer), d_).shape
                        assert shape == (o, o), (n, k, s, d_, mode)
                        if mode != "valid":
                            assert o == -(-n // s)  # TF SAME gives ceil(n/s); PyTorch same, n


def test_the_reference_counts_what_question_20s_code_counts():
    d = page_defs(20)
    r = layercalc.evaluate(layercalc.parse_query(KNOWN[0][1]))
    conv = [x for layer, x in zip(layercalc.parse_query(KNOWN[0][1])["layers"], r["layers"], strict=True)]
    kinds = [layer["type"] for layer in layercalc.parse_query(KNOWN[0][1])["layers"]]
    conv_p = sum(x["params"] for t, x in zip(kinds, conv, strict=True) if t == "conv")
    conv_mac = sum(x["macs"] for t, x in zip(kinds, conv, strict=True) if t == "conv")
    fc_mac = sum(x["macs"] for t, x in zip(kinds, conv, strict=True) if t == "fc")
    assert (r["total"]["params"], conv_p, conv_mac, fc_mac) == (d["total_p"], d["conv_p"], d["conv_mac"], d["fc_mac"])
    gap = layercalc.evaluate(layercalc.parse_query("in=512x7x7&layers=gap,fc1000"))["total"]["params"]
    assert gap == d["gap_p"]


def test_the_reference_follows_question_2s_receptive_field_and_question_4s_counts():
    d = page_defs(2)
    stack = {"input": [1, 64, 64], "layers": [layercalc.make_layer("conv", out=1, k=k, s=s) for k, s in d["ks"]]}
    total = layercalc.evaluate(stack)["total"]
    assert (total["rf"], total["jump"]) == (d["r"], d["j"]) == nn.receptive_field(d["ks"])[-1]
    d = page_defs(4)
    w, b, y = d["w"], d["b"], d["y"]  # 8 kernels 3×3×3 with stride 2, padding 1 on a 3×7×7 input
    r = layercalc.evaluate(layercalc.parse_query("in=3x7x7&layers=conv8-k3-s2-p1"))["layers"][0]
    assert r["out"] == list(y.shape) and r["params"] == w.size + b.size and r["macs"] == y.size * w[0].size


def test_question_24s_separable_ratio():
    r = layercalc.evaluate(layercalc.parse_query("in=256x56x56&layers=conv256-k3-p1-nobias,dw256-k3-p1-nobias"))
    standard, separable = r["layers"]
    assert separable["params"] / standard["params"] == pytest.approx(1 / 256 + 1 / 9)
    assert separable["macs"] / standard["macs"] == pytest.approx(1 / 256 + 1 / 9)


def test_the_drawing_counts_what_nn_window_cover_counts():
    """The window drawing's "never read" cells come from window_axis: for symmetric padding and
    no dilation it must equal dlie.nn.window_cover (the figures' count of windows per pixel)."""
    for n in range(1, 12):
        for k in range(1, 5):
            for s in (1, 2, 3, 4, 5):
                for p in range(0, k // 2 + 1):
                    for ceil in (False, True):
                        layer = layercalc.make_layer("max", k=k, s=s, p=p, ceil=ceil)
                        if layercalc.out_length(n, layer) <= 0:
                            continue
                        got = layercalc.window_axis(n, layer)["cover"]
                        assert got == nn.window_cover(n, k, s, p, ceil).tolist(), (n, k, s, p, ceil)
    floor = layercalc.window_axis(6, layercalc.make_layer("max", k=3, s=2))
    ceil = layercalc.window_axis(6, layercalc.make_layer("max", k=3, s=2, ceil=True))
    assert floor["cover"][5] == 0 and floor["overhang"] == 0  # question 6: column 5 is dropped
    assert ceil["cover"][5] == 1 and ceil["overhang"] == 1  # ceil_mode: a third window hangs over


def test_links_round_trip():
    for stack in the_job()["written"]:
        back = layercalc.parse_query(layercalc.to_query(stack))
        assert (back["input"], back["layers"], back["problems"]) == (stack["input"], stack["layers"], [])
    parsed = layercalc.parse_query(QUERIES[4])  # nine unreadable tokens; k03 is just 3
    assert parsed["layers"] == [layercalc.make_layer("conv", out=8, k=3)] and len(parsed["problems"]) == 9


# ---- the pages' links --------------------------------------------------------------------------------
def test_questions_link_to_their_worked_examples_in_both_languages():
    links = linked_queries()

    def stack_only(q):  # show picks the layer drawn: the numbers do not depend on it
        parsed = layercalc.parse_query(q)
        return layercalc.to_query({"input": parsed["input"], "layers": parsed["layers"]})

    known = {stack_only(q) for _, q, _, _ in KNOWN}
    for path, queries in links.items():
        for q in queries:
            stack = layercalc.parse_query(q)
            assert stack["problems"] == [] and stack["input"], f"{path.name}: {q}"
            result = layercalc.evaluate(stack)
            assert result["total"] is not None, f"{path.name}: {q} has an invalid layer"
            assert stack_only(q) in known, f"{path.name}: {q} is not among the known answers"
            if stack["show"]:
                assert stack["layers"][stack["show"] - 1]["type"] in layercalc.WINDOWED, q
    for n in LINKED_FROM:
        pages = sorted(QUESTIONS.glob(f"{n:02d}-*.md"))
        assert len(pages) == 2 and all(p in links for p in pages), f"question {n} does not link to the calculator"
        assert links[pages[0]] == links[pages[1]], f"question {n}: the languages link to different stacks"
    calc = sorted((ROOT / "docs" / "tools").glob("calculator.*.md"))
    assert len(calc) == 2 and links[calc[0]] == links[calc[1]]


def test_a_broken_link_is_caught():
    """The link check above on a planted broken link: an unknown field, a layer that does not fit."""
    bad = layercalc.parse_query("in=3x7x7&layers=conv8-k3-s2-p1-x2")
    assert bad["problems"] == ["conv8-k3-s2-p1-x2"]
    assert layercalc.evaluate(layercalc.parse_query("in=3x2x2&layers=conv8-k3"))["total"] is None


# ---- the built page ----------------------------------------------------------------------------------
def ui_tables() -> dict:
    return {lang: yaml.safe_load((ROOT / "docs" / "ui" / f"{lang}.yml").read_text("utf-8")) for lang in ("zh", "en")}


def placeholders(value, prefix=""):
    if isinstance(value, dict):
        return {k: v for key, sub in value.items() for k, v in placeholders(sub, f"{prefix}{key}.").items()}
    return {prefix[:-1]: set(re.findall(r"\{(\w+)\}", str(value)))}


def test_calculator_strings_exist_in_both_languages_with_the_same_placeholders():
    ui = ui_tables()
    zh, en = placeholders(ui["zh"]["calculator"]), placeholders(ui["en"]["calculator"])
    assert zh == en
    script = (ROOT / "docs" / "assets" / "javascripts" / "calculator.js").read_text(encoding="utf-8")
    messages = script[script.index("function message(") : script.index("var ERROR_FIELD")]  # e = T.errors there
    used = set(re.findall(r"\bT\.(\w+)", script)) | {
        f"errors.{k}" for k in re.findall(r"\be\.(\w+)", messages) + re.findall(r"T\.errors\.(\w+)", script)
    }
    codes = {e[3] for e in ERRORS} - {"groups"} | {"groups_in", "groups_out"}
    used |= {f"errors.{c}" for c in codes}  # the default branch looks messages up by error code
    missing = {k for k in used if k.split(".")[0] not in ui["en"]["calculator"] and k != "sep"}
    missing |= {k for k in used if k.startswith("errors.") and k[7:] not in ui["en"]["calculator"]["errors"]}
    assert not missing, f"calculator.js uses strings the tables lack: {missing}"
    text = "\n".join(str(v) for v in _leaves(ui["zh"]["calculator"]))
    assert textlint.lint_text(text, "x.zh.md") == []


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    else:
        yield value


def test_the_page_holds_the_calculator_in_its_language_and_only_it_loads_the_scripts(site):
    ui = ui_tables()
    for lang, folder in (("zh", ""), ("en", "en/")):
        html = (site / folder / "tools" / "calculator" / "index.html").read_text(encoding="utf-8")
        widget = markup.parse_calculator(html)
        assert widget and widget["lang"] == lang
        assert widget["strings"] == {**ui[lang]["calculator"], "sep": ui[lang]["sep"]}
        assert layercalc.parse_query(widget["default"])["problems"] == []
        assert layercalc.evaluate(layercalc.parse_query(widget["default"]))["total"]
        doc = lxml.html.fromstring(html)
        scripts = doc.xpath("//script/@src")
        up = "../../" + ("../" if folder else "")
        for asset in markup.CALCULATOR_ASSETS:
            assert up + asset in scripts + doc.xpath("//link/@href"), asset
            assert (site / asset).is_file()
        assert doc.xpath("//noscript/p/text()") == [ui[lang]["calculator"]["nojs"]]
    loaders = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if any(a.rsplit("/", 1)[1] in p.read_text(encoding="utf-8") for a in markup.CALCULATOR_ASSETS)
    ]
    assert sorted(loaders) == ["en/tools/calculator/index.html", "tools/calculator/index.html"]
    sizes = [(site / a).stat().st_size for a in markup.CALCULATOR_ASSETS]
    assert sum(sizes) < 60_000, sizes  # three small files, on this page only


def test_the_calculator_is_reachable_from_home_study_overview_and_navigation(site):
    for folder in ("", "en/"):
        for page in ("", "study/"):
            doc = lxml.html.parse(str(site / folder / page / "index.html")).getroot()
            article = doc.xpath("//article")[0]
            assert any(h.rstrip("/").endswith("tools/calculator") for h in article.xpath(".//a/@href")), folder + page
        nav = lxml.html.parse(str(site / folder / "index.html")).getroot().xpath("//nav//a/@href")
        assert "tools/calculator/" in nav


def test_a_calculator_page_without_its_marker_fails_the_build():
    class Page:
        url = "tools/calculator/"

        class file:
            src_uri = "tools/calculator.en.md"
            locale = "en"

    class B:
        ui = ui_tables()

        @staticmethod
        def lang_of(page):
            return "en"

    assert "calc-page" in calcpages.page_markdown(B, "# x\n\n" + markup.CALCULATOR_MARKER + "\n", Page)
    with pytest.raises(markup.MarkupError, match="tools/calculator.en.md"):
        calcpages.page_markdown(B, "# x\n", Page)

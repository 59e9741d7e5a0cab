"""The layer calculator in the real browser (headless Debian chromium, the built site on
127.0.0.1): known answers read from the page in both languages, a planted fault caught the same
way, messages at the offending layer, keyboard use, the window drawing as text and pixels, the
shareable link, and the page at 375 and 1280 px in both palettes (axe, no sideways scroll, no
request to another host). CALC_SCREENSHOTS=<dir> also saves a screenshot of each width and palette."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from browser import AXE, CHROMIUM_ARGS, chromium_path
from calc_cases import ERRORS, KNOWN
from conftest import ROOT
from dlie.siteserver import SiteServer

pytestmark = pytest.mark.browser
JS = ROOT / "docs" / "assets" / "javascripts" / "layercalc.js"
UI = {lang: yaml.safe_load((ROOT / "docs" / "ui" / f"{lang}.yml").read_text("utf-8")) for lang in ("zh", "en")}
FOLDER = {"zh": "", "en": "en/"}

# The results table as the reader sees it: every layer's row and the totals, as text.
READ = """() => {
  const cells = tr => [...tr.children].map(c => c.innerText.trim());
  const rows = {};
  document.querySelectorAll('.calc-table tbody tr[data-layer]').forEach(tr => {
    rows[tr.dataset.layer] = {cells: cells(tr), error: tr.classList.contains('calc-row-error')};
  });
  const cards = [...document.querySelectorAll('.calc-layer')].map(li => ({
    text: li.querySelector('.calc-layer-result').innerText.trim(),
    error: li.querySelector('.calc-layer-result').classList.contains('calc-error'),
    invalid: [...li.querySelectorAll('[aria-invalid=true]')].length,
  }));
  return {rows, cards, total: cells(document.querySelector('.calc-table tfoot tr')),
          text: document.querySelector('article').innerText, search: location.search};
}"""


@pytest.fixture(scope="module")
def served(site):
    with SiteServer(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def calculator(served, lang: str, query: str = "") -> str:
    return f"{served}{FOLDER[lang]}tools/calculator/" + (f"?{query}" if query else "")


def number(text: str) -> int | None:
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else None


def read_values(cells: list[str], lang: str) -> tuple:
    """(output, parameters, multiply-adds, rf, jump) from a row's output..jump cells."""
    out, params, macs, rf, jump = cells
    whole = UI[lang]["calculator"]["global"]
    shape = [number(x) for x in out.split("×")]
    return shape, number(params), number(macs), None if rf == whole else number(rf), number(jump)


def check_known(page, served, lang: str) -> list[str]:
    """Every known case, loaded from its link, against its known answers; the differences."""
    problems = []
    for name, query, rows, total in KNOWN:
        page.goto(calculator(served, lang, query), wait_until="load")
        seen = page.evaluate(READ)
        for n, expected in rows.items():
            row = seen["rows"].get(str(n))
            got = read_values(row["cells"][2:], lang) if row and not row["error"] else row
            if got != expected:
                problems.append(f"{lang} {name} layer {n}: {got} != {expected}")
        if total:
            got = read_values(seen["total"][1:], lang)
            want = (total[2], total[0], total[1], total[3], total[4])
            if got != want:
                problems.append(f"{lang} {name} total: {got} != {want}")
        if re.search(r"NaN|undefined|\{\w+\}", seen["text"]):
            problems.append(f"{lang} {name}: NaN, undefined or an unfilled placeholder on the page")
    return problems


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_known_answers_read_from_the_page(served, browser, lang):
    page = browser.new_page()
    problems = check_known(page, served, lang)
    page.close()
    assert not problems, "\n".join(problems)


def test_a_planted_fault_in_the_module_is_caught_in_the_browser(served, browser):
    """The same check with the page served a layercalc.js that ignores groups in the
    multiply-adds and lets ceil_mode keep a window starting in the padding."""
    source = JS.read_text(encoding="utf-8")
    faulty = source.replace("macs = positions * out * k2 * perGroup;", "macs = positions * out * k2 * c;").replace(
        "if ((out - 1) * s >= n + p) out -= 1;", ""
    )
    assert faulty.count("perGroup") == source.count("perGroup") - 1
    ctx = browser.new_context()
    ctx.route("**/layercalc.js", lambda route: route.fulfill(body=faulty, content_type="text/javascript"))
    page = ctx.new_page()
    problems = check_known(page, served, "en")
    ctx.close()
    assert any("q24-grouped" in p for p in problems) and any("q06-ceil-last-window-dropped" in p for p in problems)


@pytest.mark.parametrize("name, query, at, code, details", ERRORS, ids=[e[0] for e in ERRORS])
def test_invalid_settings_are_told_at_the_offending_layer(served, browser, name, query, at, code, details):
    page = browser.new_page()
    page.goto(calculator(served, "en", query), wait_until="load")
    seen = page.evaluate(READ)
    page.close()
    t = UI["en"]["calculator"]
    assert not re.search(r"NaN|undefined|\{\w+\}", seen["text"])
    assert seen["total"][1] == t["errors"]["no_total"].format(where=t["the_input"] if at == 0 else f"layer {at}")
    if at == 0:
        assert all(not c["error"] or c["text"] == "Not computed: fix the input first." for c in seen["cards"])
        return
    card = seen["cards"][at - 1]
    assert card["error"] and card["invalid"] in (0, 1) and card["text"]
    assert seen["rows"][str(at)]["error"] and seen["rows"][str(at)]["cells"][2] == card["text"]
    if code not in ("overflow",):
        assert card["invalid"] == 1, "the field the message is about is marked invalid"
    for later in seen["cards"][at:]:
        assert later["text"] == f"Not computed: fix layer {at} first."
    assert all(not c["error"] for c in seen["cards"][: at - 1])


def test_keyboard_builds_a_stack_and_the_link_follows(served, browser):
    ctx = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(calculator(served, "en", "in=3x32x32&layers=conv8-k3"), wait_until="load")
    add = page.locator(".calc-add select")
    add.focus()
    page.keyboard.type("Max")  # a closed select picks the option typed
    assert add.input_value() == "max"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Add a layer"
    page.keyboard.press("Enter")
    assert page.locator(".calc-layer").count() == 2
    focused = "document.activeElement.closest('.calc-layer') === document.querySelectorAll('.calc-layer')[1]"
    assert page.evaluate(focused)
    assert "layers=conv8-k3,max-k2" in page.evaluate("location.search")
    kernel = page.locator(".calc-layer").first.locator("input[type=number]").nth(1)
    kernel.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    seen = page.evaluate(READ)
    assert read_values(seen["rows"]["1"]["cells"][2:], "en")[0] == [8, 28, 28]
    assert read_values(seen["rows"]["2"]["cells"][2:], "en")[0] == [8, 14, 14]
    assert "layers=conv8-k5,max-k2" in seen["search"]
    page.keyboard.press("Tab")  # next field: the stride
    assert page.evaluate("document.activeElement.closest('label').innerText").startswith("Stride")
    page.keyboard.press("Control+A")
    page.keyboard.type("0")  # an invalid value is told at once, at this field
    assert page.locator(".calc-layer").first.locator(".calc-error").inner_text() == (
        "Stride s must be a whole number from 1 to 100,000,000."
    )
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    assert page.locator(".calc-error").count() == 0
    link = page.locator(".calc-link").input_value()
    page.locator(".calc-share button").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.calc-status').textContent === 'Link copied.'")
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.goto(link, wait_until="load")  # the link opens the same stack
    assert [c["text"] for c in page.evaluate(READ)["cards"]] == [c["text"] for c in seen["cards"]]
    remove = page.locator(".calc-layer").nth(1).locator(".calc-layer-buttons button").nth(2)
    remove.focus()
    page.keyboard.press("Enter")
    assert page.locator(".calc-layer").count() == 1 and "max" not in page.evaluate("location.search")
    assert page.evaluate("document.activeElement.tagName") == "SELECT"  # focus stays in the list
    ctx.close()


def test_an_unreadable_link_is_told_and_the_rest_kept(served, browser):
    page = browser.new_page()
    page.goto(calculator(served, "zh", "in=3x32x32&layers=conv8-k3,conv8-x2,max-k2"), wait_until="load")
    assert page.locator(".calc-status").inner_text() == "链接中有部分内容无法读取，已略去：conv8-x2。"
    assert page.locator(".calc-layer").count() == 2
    page.close()


DRAWING = """() => ({
  where: document.querySelector('.calc-where').innerText,
  taps: document.querySelectorAll('.calc-figure .calc-tap').length,
  unread: document.querySelectorAll('.calc-figure .calc-cell--unread').length,
  over: document.querySelectorAll('.calc-figure .calc-cell--over').length,
  pads: document.querySelectorAll('.calc-figure .calc-cell--pad').length,
  labels: [...document.querySelectorAll('.calc-figure svg')[0].querySelectorAll('text')].map(t => t.textContent),
  current: document.querySelectorAll('.calc-figure .calc-cell--out').length,
})"""


def test_the_window_drawing_walks_by_keyboard_and_says_what_it_shows(served, browser):
    page = browser.new_page()
    page.goto(calculator(served, "en", "in=1x6x6&layers=max-k3-s2"), wait_until="load")
    figure = page.locator(".calc-figure")
    assert figure.get_attribute("role") == "group" and figure.get_attribute("tabindex") == "0"
    where = page.locator("#" + figure.get_attribute("aria-describedby"))
    assert where.get_attribute("aria-live") == "polite"
    d = page.evaluate(DRAWING)
    assert d["where"].startswith("Output row 0, column 0 (of 2 × 2) reads input rows 0 to 2 and columns 0 to 2.")
    assert "Never read by any window: rows: 5; columns: 5." in d["where"]
    assert (d["taps"], d["unread"], d["over"], d["current"]) == (9, 11, 0, 1)
    assert d["labels"] == [str(i) for i in range(6)] * 2  # the numbers are text
    figure.focus()
    page.keyboard.press("End")
    last = "Output row 1, column 1 (of 2 × 2) reads input rows 2 to 4 and columns 2 to 4."
    assert where.inner_text().startswith(last)
    page.keyboard.press("ArrowLeft")
    assert where.inner_text().startswith("Output row 1, column 0")
    page.locator(".calc-check input").focus()  # ceil_mode, by keyboard
    page.keyboard.press("Space")
    figure.focus()
    page.keyboard.press("End")
    d = page.evaluate(DRAWING)
    assert d["where"].startswith("Output row 2, column 2 (of 3 × 3) reads input rows 4 to 6 and columns 4 to 6.")
    assert "rows: none; columns: none" in d["where"] and "hangs 1 row(s) and 1 column(s) past" in d["where"]
    assert d["over"] == 13 and d["unread"] == 0
    # padding and dilation: rows read are listed tap by tap, padding shown as cells
    dilated = "in=16x64x64&layers=conv16-k3-psame,conv16-k3-psame-d8&show=2"
    page.goto(calculator(served, "en", dilated), wait_until="load")
    d = page.evaluate(DRAWING)
    assert d["where"].startswith("Output row 0, column 0 (of 64 × 64) reads input rows −8, 0, 8 and columns −8, 0, 8.")
    assert "Padding: 8 on top, 8 at the bottom, 8 on the left, 8 on the right." in d["where"]
    assert d["pads"] > 0 and d["taps"] == 9
    page.locator(".calc-moves button").nth(3).click()  # a button moves the window a row down
    assert page.locator(".calc-where").inner_text().startswith("Output row 1, column 0")
    page.close()


def test_without_javascript_the_page_says_so_and_keeps_its_rules(served, browser):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(calculator(served, "en"), wait_until="load")
    assert page.locator(".calc noscript").count() == 1
    text = page.locator("article").inner_text()
    assert UI["en"]["calculator"]["nojs"] in text and "How it counts" in text
    ctx.close()


AXE_RUN = """(options) => axe.run({exclude: [['.katex-html']]}, options).then(r => r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"""
FACTS = """() => {
  const svg = document.querySelector('.calc-figure svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const text = svg.querySelector('text');
  return {
    width: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    font: parseFloat(getComputedStyle(text).fontSize) * scale,
    fill: getComputedStyle(text).fill,
    cell: getComputedStyle(svg.querySelector('.calc-cell--in')).fill,
    tap: getComputedStyle(svg.querySelector('.calc-tap')).fill,
  };
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_at_phone_and_desktop_width_in_both_palettes(served, browser, lang, tmp_path):
    """At 375 and 1280 px, light and dark: no sideways scroll, drawing text at least 11 px, no
    serious axe violation, nothing requested from another host, no console error; the drawing's
    colours follow the palette."""
    axe = AXE.read_text(encoding="utf-8")
    shots = os.environ.get("CALC_SCREENSHOTS")
    facts, problems = {}, []
    query = KNOWN[1][1] + "&show=2"  # ResNet-50's stem: padding, stride, a wide table
    for scheme in ("light", "dark"):
        for width in (375, 1280):
            ctx = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
            page = ctx.new_page()
            events = []
            page.on("console", lambda m, ev=events: m.type == "error" and ev.append(m.text))
            page.on("pageerror", lambda e, ev=events: ev.append(str(e)))
            page.on("request", lambda r, ev=events: not r.url.startswith((served, "data:")) and ev.append(r.url))
            page.goto(calculator(served, lang, query), wait_until="networkidle")
            page.wait_for_function("document.getAnimations().length === 0")
            f = facts[scheme, width] = page.evaluate(FACTS)
            if f["width"][0] > f["width"][1] + 1:
                problems.append(f"{scheme} {width}: the page scrolls sideways {f['width']}")
            if f["font"] < 11:
                problems.append(f"{scheme} {width}: drawing text {f['font']:.1f} px")
            page.add_script_tag(content=axe)
            problems += [f"{scheme} {width}: {v}" for v in page.evaluate(AXE_RUN, {"resultTypes": ["violations"]})]
            problems += [f"{scheme} {width}: {e}" for e in events]
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/calculator-{lang}-{width}-{scheme}.png", full_page=True)
            ctx.close()
    assert not problems, "\n".join(problems)
    for width in (375, 1280):
        light, dark = facts["light", width], facts["dark", width]
        assert light["fill"] != dark["fill"] and light["cell"] != dark["cell"] and light["tap"] != dark["tap"]

"""Real-browser tests on the built site served on 127.0.0.1 (headless Debian chromium)."""

from __future__ import annotations

import json
import re

import pytest

from browser import AXE, CHROMIUM_ARGS, chromium_path, search
from siteserver import SiteServer

pytestmark = pytest.mark.browser

SEARCH_TABLE = [
    # (language, query, acceptable question numbers among the first 5 distinct pages)
    ("zh", "批归一化", {17}),
    ("zh", "步幅", {6}),
    ("zh", "梯度消失", {16, 25, 5, 26, 30}),
    ("zh", "残差", {12, 11, 16, 22}),
    ("zh", "注意力", {13}),
    ("zh", "多任务学习", {14}),
    ("zh", "跨模态", {15}),
    ("zh", "池化层", {8, 21, 27}),
    ("zh", "学习率衰减", {18}),
    ("zh", "数据增强", {19}),
    ("zh", "正则化", {28}),
    ("zh", "反向传播", {25}),
    ("zh", "权重初始化", {30}),
    ("zh", "卷积核", {24}),
    ("zh", "BN", {17}),
    ("zh", "ReLU", {5, 26}),
    ("en", "batch normalization", {17}),
    ("en", "stride", {6}),
    ("en", "dead relu", {5}),
    ("en", "vanishing gradient", {16, 25, 5, 26, 30}),
    ("en", "residual", {12, 11, 16, 22}),
    ("en", "attention", {13}),
    ("en", "BN", {17}),
    ("en", "Kaiming", {30}),
    ("en", "dropout", {28}),
    ("en", "data augmentation", {19}),
    ("en", "backpropagation", {25}),
    ("en", "im2col", {23}),
    ("en", "MMoE", {14}),
    ("en", "CLIP", {15}),
]


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


def question_paths(site):
    return sorted(f"questions/{p.parent.name}/" for p in (site / "questions").glob("*/index.html"))


def all_paths(site):
    paths = ["", "concepts/", "study/", "study/path/"] + question_paths(site)
    return [lang + p for lang in ("", "en/") for p in paths]


def number_of(url: str) -> int | None:
    m = re.search(r"/questions/(\d\d)-", url)
    return int(m.group(1)) if m else None


@pytest.mark.parametrize("lang, query, expected", SEARCH_TABLE, ids=[f"{lang}:{q}" for lang, q, _ in SEARCH_TABLE])
def test_search_finds_the_page_in_the_right_language(served, browser, lang, query, expected):
    page = browser.new_page()
    prefix = "" if lang == "zh" else "en/"
    page.goto(served + prefix)
    results = search(page, query)
    page.close()
    assert results, f"no result for {query!r}"
    for r in results:
        assert ("/en/" in r) == (lang == "en"), f"{query!r} on the {lang} site returned {r}"
    top = [number_of(r) for r in results[:5]]
    assert expected & set(top), f"{query!r}: expected one of {sorted(expected)} in the first results, got {results[:5]}"


def test_language_switcher_round_trip_on_every_question(served, browser, site):
    page = browser.new_page()
    for path in question_paths(site):
        for here, there, lang in (("", "en/", "en"), ("en/", "", "zh")):
            page.goto(served + here + path)
            page.locator(".md-header__option .md-select").hover()
            page.locator(f'.md-select__link[hreflang="{lang}"]').click()
            page.wait_for_url(served + there + path)
            assert page.evaluate("document.documentElement.lang") == lang
    page.close()


def test_every_page_loads_cleanly_with_rendered_math(served, browser, site):
    problems = []
    page = browser.new_page()
    events = []
    page.on("console", lambda m: m.type == "error" and events.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: events.append(f"page error: {e}"))
    # ERR_ABORTED is a request cut off by navigating to the next page (e.g. a search worker
    # still loading); a missing file shows up as an HTTP status below.
    page.on(
        "requestfailed",
        lambda r: "ERR_ABORTED" not in (r.failure or "") and events.append(f"failed request: {r.url} {r.failure}"),
    )
    page.on("response", lambda r: r.status >= 400 and events.append(f"HTTP {r.status}: {r.url}"))
    page.on(
        "request",
        lambda r: not r.url.startswith((served, "data:", "blob:")) and events.append(f"third-party request: {r.url}"),
    )
    for path in all_paths(site):
        events.clear()
        page.goto(served + path, wait_until="networkidle")
        text = page.inner_text("article")
        if re.search(r"\$\$|\\frac|\\sum|\\mathbf|\\\(|\\\[", text):
            events.append("raw TeX visible")
        if "questions/" in path:
            layout = page.evaluate("""() => [...document.querySelectorAll('katex-math')].map(k => [
                k.classList.contains('math-display'), getComputedStyle(k).display, getComputedStyle(k).cssFloat])""")
            if not layout:
                events.append("no rendered formula")
            for is_display, display, float_ in layout:
                if display != ("block" if is_display else "inline") or float_ != "none":
                    events.append(f"formula laid out as display:{display} float:{float_}")
                    break
        problems += [f"/{path}: {e}" for e in events]
    page.close()
    assert not problems, "\n".join(problems)


def test_mobile_has_no_horizontal_scroll_and_reachable_navigation(served, browser, site):
    ctx = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    overflow = []
    for path in all_paths(site):
        page.goto(served + path)
        sw, cw = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if sw > cw + 1:
            overflow.append(f"/{path}: page is {sw}px wide in a {cw}px viewport")
    assert not overflow, "\n".join(overflow)
    page.goto(served + question_paths(site)[0])
    page.locator('label.md-header__button[for="__drawer"]').click()
    link = page.locator(".md-nav--primary .md-nav__link").filter(has_text=re.compile(r"^\s*1\.")).first
    link.wait_for(state="visible")
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(served, browser, site, scheme):
    ctx = browser.new_context(color_scheme=scheme)
    page = ctx.new_page()
    axe = AXE.read_text(encoding="utf-8")
    problems = []
    for path in all_paths(site):
        page.goto(served + path)
        page.add_script_tag(content=axe)
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""")
        problems += [f"/{path} ({scheme}): {v}" for v in result]
    ctx.close()
    assert not problems, "\n".join(problems)


def test_dark_mode_keeps_formulas_and_code_readable(served, browser, site):
    ctx = browser.new_context(color_scheme="dark")
    page = ctx.new_page()
    page.goto(served + "questions/05-relu/")
    colors = page.evaluate("""() => {
        const k = document.querySelector('katex-math .katex');
        const body = document.querySelector('.md-typeset');
        const code = document.querySelector('.md-typeset pre code');
        const bg = getComputedStyle(document.body).backgroundColor;
        return {katex: getComputedStyle(k).color, text: getComputedStyle(body).color, bg,
                scheme: document.body.getAttribute('data-md-color-scheme'),
                code: code && getComputedStyle(code).color};
    }""")
    assert colors["scheme"] == "slate"
    assert colors["katex"] == colors["text"], colors  # KaTeX inherits the theme's text colour

    def lum(rgb):
        vals = [int(x) / 255 for x in re.findall(r"\d+", rgb)[:3]]
        vals = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in vals]
        return 0.2126 * vals[0] + 0.7152 * vals[1] + 0.0722 * vals[2]

    def contrast(a, b):
        la, lb = sorted([lum(a), lum(b)], reverse=True)
        return (la + 0.05) / (lb + 0.05)

    assert contrast(colors["katex"], colors["bg"]) >= 4.5, colors
    # toggling the palette by hand switches the scheme and formulas follow
    page.locator("form[data-md-component=palette] label:visible").first.click()
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    k, t = page.evaluate("['.katex', '.md-typeset'].map(s => getComputedStyle(document.querySelector(s)).color)")
    assert k == t
    assert scheme in ("default", "slate")
    ctx.close()


def test_question_page_weight_budget(served, browser, site):
    """Deterministic budgets: first load of a question page <= 15 requests, <= 160 KB transferred."""
    over = []
    for path in question_paths(site):
        for lang in ("", "en/"):
            ctx = browser.new_context()
            page = ctx.new_page()
            reqs = []
            page.on("requestfinished", lambda r, reqs=reqs: reqs.append(r))
            page.goto(served + lang + path, wait_until="networkidle")
            total = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in reqs)
            if len(reqs) > 15 or total > 160 * 1024:
                over.append(f"/{lang}{path}: {len(reqs)} requests, {total / 1024:.1f} KB")
            ctx.close()
    assert not over, "\n".join(over)


# --- study mode ---------------------------------------------------------------------------


def test_practice_mode_hides_reveals_and_is_remembered(served, browser):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(served + "questions/05-relu/")
    answer = page.locator(".study-answer").first
    assert page.locator(".study-controls").is_visible()
    assert answer.is_visible(), "answers are shown until practice mode is switched on"
    page.locator('input[name="study-practice"]').check()
    assert page.locator(".study-answer:visible").count() == 0
    assert page.locator("article blockquote").first.is_visible(), "the question itself stays visible"
    reveal = page.locator(".study-reveal").first
    assert reveal.get_attribute("aria-expanded") == "false"
    reveal.focus()
    page.keyboard.press("Enter")  # keyboard works: it is a real button
    assert answer.is_visible() and reveal.get_attribute("aria-expanded") == "true"
    page.goto(served + "questions/06-stride-padding/")  # remembered across pages
    assert page.locator('input[name="study-practice"]').is_checked()
    assert page.locator(".study-answer:visible").count() == 0
    page.locator(".study-reveal-all").click()
    assert page.locator(".study-answer:visible").count() == page.locator(".study-answer").count() == 7
    ctx.close()


def test_practice_mode_without_javascript_shows_everything(served, browser):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(served + "en/questions/05-relu/")
    assert not page.locator(".study-controls").is_visible()
    assert page.locator("#in-depth").is_visible() and page.locator("article pre").first.is_visible()
    ctx.close()


def test_progress_mark_reload_home_export_import_reset(served, browser, tmp_path):
    ctx = browser.new_context(accept_downloads=True)
    page = ctx.new_page()
    page.goto(served + "questions/17-batch-normalization/")
    page.locator('input[name="study-progress"][value="mastered"]').check()
    page.goto(served + "en/questions/05-relu/")
    page.locator('input[name="study-progress"][value="reviewing"]').check()
    page.reload()
    assert page.locator('input[name="study-progress"][value="reviewing"]').is_checked()
    page.goto(served)  # home page summary
    assert page.locator('.study-summary [data-count="mastered"]').inner_text() == "1"
    assert page.locator('.study-summary [data-count="reviewing"]').inner_text() == "1"
    assert page.locator('.study-summary [data-count="new"]').inner_text() == "28"
    page.goto(served + "study/")
    assert page.locator('tr[data-q="17"]').get_attribute("data-state") == "mastered"
    with page.expect_download() as dl:
        page.locator(".study-export").click()
    exported = tmp_path / "progress.json"
    dl.value.save_as(exported)
    assert json.loads(exported.read_text())["progress"] == {"17": "mastered", "05": "reviewing"}
    page.once("dialog", lambda d: d.accept())
    page.locator(".study-reset").click()
    assert page.locator('tr[data-q="17"]').get_attribute("data-state") == "new"
    assert page.locator('.study-summary [data-count="new"]').inner_text() == "30"
    page.locator(".study-import").set_input_files(str(exported))
    page.wait_for_function("document.querySelector('tr[data-q=\"17\"]').dataset.state === 'mastered'")
    assert page.locator('tr[data-q="05"]').get_attribute("data-state") == "reviewing"
    ctx.close()


def test_tag_filter_and_difficulty_filter(served, browser):
    page = browser.new_page()
    page.goto(served + "en/study/?tag=attention")  # where a question page's tag links lead
    visible = page.locator(".study-table tbody tr:visible")
    assert [r.get_attribute("data-q") for r in visible.all()] == ["13"]
    page.locator('input[name="tag"][value="attention"]').uncheck()
    assert visible.count() == 30
    page.locator('input[name="level"][value="advanced"]').check()
    levels = {r.get_attribute("data-level") for r in visible.all()}
    assert levels == {"advanced"} and 0 < visible.count() < 30
    page.close()


def test_random_question_opens_a_question(served, browser):
    page = browser.new_page()
    page.goto(served + "en/")
    page.locator(".study-random").first.click()
    page.wait_for_url(re.compile(r".*/en/questions/\d\d-[a-z0-9-]+/$"))
    page.close()


def test_printable_edition_prints_cleanly(served, browser):
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"HTTP {r.status} {r.url}"))
    page.goto(served + "en/print/", wait_until="networkidle")
    assert page.locator(".print-question").count() == 30
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-header").is_visible()
    breaks = page.evaluate("getComputedStyle(document.querySelectorAll('.print-question')[1]).breakBefore")
    assert breaks == "page"
    assert page.locator(".print-question details[open]").count() >= 30 * 3  # follow-ups expanded
    assert page.locator(".print-question katex-math").count() > 500
    assert not errors, errors
    page.close()

"""The figure pipeline (dlie.figures): themable, reproducible SVG; planted faults fail the build
naming the page and the figure; every figure is placed in every language."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import MINIMAL_QUESTION, ROOT, run_build
from dlie import figures, markup
from dlie.figures import style
from figcheck import built

KEYS = sorted(figures.load_all())
LANGS = ("zh", "en")


def test_a_figure_renders_as_themable_inline_svg():
    fig = figures.render("q06/stride-padding", "en")
    assert fig.svg.startswith("<svg ") and "<?xml" not in fig.svg and "<metadata" not in fig.svg
    assert not re.search(r"#[0-9a-fA-F]{6}\b", fig.svg), "literal colours left"
    assert "var(--fig-fg)" in fig.svg and "font-family" not in fig.svg
    assert "<text" in fig.svg and "<image" not in fig.svg  # text stays text
    assert "<style" not in fig.svg  # a style element inline would style the whole page
    ids = re.findall(r' id="([^"]+)"', fig.svg)
    assert all(i.startswith("fig-q06-stride-padding-") for i in ids)
    for ref in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', fig.svg):
        assert (ref[0] or ref[1]) in ids
    assert fig.min_font >= style.MIN_FONT_PX


def test_clean_svg_refuses_what_the_palette_cannot_theme():
    raw = '<svg width="10pt" height="10pt" viewBox="0 0 10 10"><path style="fill: #ff0000"/></svg>'
    with pytest.raises(style.FigureStyleError, match="literal colour #ff0000"):
        style.clean_svg(raw, "p")
    raw = raw.replace("#ff0000", style.C.accent).replace("</svg>", '<image xlink:href="data:"/></svg>')
    with pytest.raises(style.FigureStyleError, match="raster image"):
        style.clean_svg(raw, "p")


RENDER_TWICE = """
import sys
from dlie import figures
sys.stdout.write(figures.render("q06/stride-padding", "zh").svg)
"""


def test_the_same_source_gives_byte_identical_svg_in_every_process():
    outs = [
        subprocess.run([sys.executable, "-c", RENDER_TWICE], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and len(outs[0]) > 1000


@pytest.mark.parametrize("key", KEYS)
def test_every_figure_renders_in_every_language_without_foreign_text(key):
    for lang in LANGS:
        fig = built(key, lang)  # as the build drew it
        texts = figures.svg_texts(fig.svg)
        assert figures.untranslated(texts, lang, figures.keep_words(key)) == [], (key, lang)
        assert fig.min_font >= style.MIN_FONT_PX, f"{key}: text of {fig.min_font} px"
        assert len(fig.svg.encode()) < 60_000, f"{key}: {len(fig.svg.encode())} bytes"


def test_untranslated_text_is_found():
    assert figures.untranslated(["输入 5×5", "stride s=2"], "zh", {"stride"}) == []
    assert figures.untranslated(["input 5×5"], "zh", set()) == ["input 5×5"]
    assert figures.untranslated(["输出 3×3"], "en", set()) == ["输出 3×3"]


def placements() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for key in re.findall(r"\]\(figure:([^ )]+)", page.read_text(encoding="utf-8")):
            found.setdefault(key, set()).add(page.name.rsplit(".", 2)[1])
    return found


def test_every_figure_is_placed_in_every_language():
    found = placements()
    for key in KEYS:
        assert found.get(key) == set(LANGS), f"{key} is placed in {sorted(found.get(key, ()))}"
    assert set(found) <= set(KEYS), f"pages place unknown figures: {sorted(set(found) - set(KEYS))}"


def test_built_pages_show_their_figures_with_alt_text_and_caption(site):
    import lxml.html

    for page in sorted((site / "questions").glob("*/index.html")):
        for prefix in ("", "en/"):
            path = site / prefix / "questions" / page.parent.name / "index.html"
            doc = lxml.html.fromstring(path.read_bytes())
            assert not doc.xpath('//img[starts-with(@src, "figure:")]'), f"{path}: unreplaced figure line"
            for fig in doc.xpath('//figure[@class="fig"]'):
                svg = fig.xpath(".//svg")[0]
                assert svg.get("role") == "img" and svg.get("aria-label", "").strip(), path
                assert fig.xpath("./figcaption")[0].text_content().strip(), path


# ---- planted faults in a minimal project ------------------------------------------------------
FIGURE_MODULE = """
from dlie.figures import figure
from dlie.figures.style import C

LABELS = {"zh": {"x": "输入"}, "en": {"x": "input"}}


@figure("q01/demo", size=(3, 2))
def demo(fig, t):
    ax = fig.add_axes((0.2, 0.25, 0.7, 0.65))
    ax.plot([0, 1], [0, 1], color=C.accent)
    ax.set_xlabel(t["x"])
"""
LINE = {"zh": '![两点连线](figure:q01/demo "一条直线。")', "en": '![A line](figure:q01/demo "A straight line.")'}


def project_with_figure(make_project, module: str = FIGURE_MODULE, lines: dict | None = None):
    project = make_project()
    (project / "hooks" / "dlie" / "figures" / "q01.py").write_text(module, encoding="utf-8")
    for lang, line in (lines or LINE).items():
        page = project / "docs" / "questions" / f"01-test.{lang}.md"
        page.write_text(MINIMAL_QUESTION[lang] + f"\n{line}\n", encoding="utf-8")
    return project


def build_with_own_package(project):
    return run_build(project, project / "site", {"PYTHONPATH": str(project / "hooks")})


@pytest.mark.slow
def test_a_placed_figure_is_built_in_both_languages(make_project):
    project = project_with_figure(make_project)
    r = build_with_own_package(project)
    assert r.returncode == 0, r.stdout + r.stderr
    for prefix, label in (("", "输入"), ("en/", "input")):
        html = (project / "site" / prefix / "questions" / "01-test" / "index.html").read_text(encoding="utf-8")
        assert markup.find_figures(html) == ["q01-demo"] and f">{label}</text>" in html


FAULTS = {
    "raises": (FIGURE_MODULE.replace("ax.set_xlabel", "1 / 0\n    ax.set_xlabel"), None, "ZeroDivisionError"),
    "untranslated": (FIGURE_MODULE.replace('"输入"', '"input values"'), None, "text in another language"),
    "missing label": (FIGURE_MODULE.replace('"zh": {"x": "输入"}', '"zh": {}'), None, "no 'zh' label 'x'"),
    "one language only": (FIGURE_MODULE, {"zh": LINE["zh"], "en": ""}, "place different figures"),
    "unknown figure": (
        FIGURE_MODULE,
        {k: v.replace("q01/demo", "q01/nope") for k, v in LINE.items()},
        "unknown figure",
    ),
    "no caption": (FIGURE_MODULE, {k: v.split(' "')[0] + ")" for k, v in LINE.items()}, "needs alt text and a caption"),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_bad_figure_fails_the_build_naming_page_and_figure(make_project, fault):
    module, lines, needle = FAULTS[fault]
    project = project_with_figure(make_project, module, lines)
    r = build_with_own_package(project)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert needle in out, out
    assert "01-test" in out and "q01/" in out, out


def test_a_figure_as_the_build_drew_it_is_the_figure_drawn_now():
    """The tests read figures from the build's memo (figcheck.built): its answer is what
    rendering from the current source gives, byte for byte."""
    for key in ("q04/conv-step",):
        for lang in LANGS:
            assert built(key, lang).svg == figures.render(key, lang).svg, (key, lang)

"""Study path ordering and the study-mode pages (build level; browser behaviour in test_browser)."""

from __future__ import annotations

import copy
import json
import re

import lxml.html
import pytest
import yaml

from conftest import N_QUESTIONS, QUESTIONS, ROOT, build
from dlie import conceptindex as ci
from dlie import glossary, studyplan
from dlie.conceptindex import PageProfile

LANGS = ("zh", "en")
G = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
RAW = yaml.safe_load((ROOT / "docs" / "concepts.yml").read_text(encoding="utf-8"))


def test_no_cycle_in_the_real_glossary_and_a_planted_cycle_is_named():
    assert studyplan.concept_cycle(G) is None
    raw = copy.deepcopy(RAW)
    by_id = {c["id"]: c for c in raw["concepts"]}
    by_id["backpropagation"]["requires"] = ["batch-normalization"]  # BN -> vanishing grads -> backprop -> BN
    cycle = studyplan.concept_cycle(glossary.parse_glossary(raw))
    assert cycle and cycle[0] == cycle[-1]
    assert {"backpropagation", "batch-normalization", "vanishing-exploding-gradients"} <= set(cycle)


def test_every_question_comes_after_its_prerequisites():
    profiles = ci.scan_pages(ROOT / "docs", G)
    order = studyplan.study_order(profiles, G)
    assert sorted(order) == sorted(profiles)
    pre = studyplan.question_prerequisites(profiles, G)
    assert any(pre.values()), "the glossary's requires data should order at least some questions"
    pos = {s: i for i, s in enumerate(order)}
    for slug, deps in pre.items():
        for dep in deps:
            assert pos[dep] < pos[slug], f"{slug} comes before its prerequisite {dep}"
    sessions = studyplan.study_sessions(order)
    assert 3 <= len(sessions) <= 8 and [s for sess in sessions for s in sess] == order


def test_question_level_cycle_is_an_error():
    g = glossary.parse_glossary(RAW)
    g.concepts["relu"].requires = ["dropout"]
    g.concepts["dropout"].requires = ["activation-function"]
    profiles = {
        "05-a": PageProfile(5, "05-a", {}, ["relu", "activation-function"]),
        "28-b": PageProfile(28, "28-b", {}, ["dropout"]),
    }
    with pytest.raises(studyplan.StudyPlanError, match="cycle: .*05-a.*28-b|cycle: .*28-b.*05-a"):
        studyplan.study_order(profiles, g)


def test_concept_cycle_fails_the_build_with_the_cycle_named(make_project):
    proj = make_project()
    path = proj / "docs" / "concepts.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    {c["id"]: c for c in raw["concepts"]}["backpropagation"]["requires"] = ["batch-normalization"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    r = build(proj)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert "'requires' data has a cycle" in out and "backpropagation" in out and "batch-normalization" in out


def test_study_pages_and_question_badges(site):
    for lang_dir in ("", "en/"):
        overview = lxml.html.parse(str(site / lang_dir / "study" / "index.html")).getroot()
        rows = overview.xpath('//div[@class="study-table"]//tbody/tr')
        assert len(rows) == N_QUESTIONS
        assert all(r.get("data-level") in G.levels and r.get("data-tags") for r in rows)
        path = lxml.html.parse(str(site / lang_dir / "study" / "path" / "index.html")).getroot()
        assert len(path.xpath("//article//ol/li")) == N_QUESTIONS
        q = lxml.html.parse(str(site / lang_dir / "questions" / "17-batch-normalization" / "index.html")).getroot()
        assert q.xpath('//div[@class="study-meta"]/a[@class="study-tag"]')
        controls = q.xpath('//div[@class="study-controls"]')
        assert controls and controls[0].get("hidden") is not None  # shown only by the script
        answers = q.xpath('//article//div[@class="study-answer"]')
        assert len(answers) == 7, "every answer section is wrapped when the page is built"
        for a in answers:
            button = a.getprevious()
            assert button.tag == "button" and "study-reveal" in button.get("class") and button.get("hidden") is not None
            assert a.getparent().tag == "article" and button.getprevious().tag == "h2"
    js = (site / "assets" / "javascripts" / "study.js").stat().st_size
    assert js < 15_000, "the study script stays small"  # 7 KB, then 14 KB once import checked its files (#23)


def test_print_pages_hold_every_question_with_unique_ids(site):
    from dlie import printbook

    for lang_dir in ("", "en/"):
        html = (site / lang_dir / "print" / "index.html").read_text(encoding="utf-8")
        doc = lxml.html.fromstring(html)
        sections = doc.xpath('//section[@class="print-question"]')
        assert [s.get("id") for s in sections] == [f"q{n:02d}" for n in QUESTIONS]
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), "ids must stay unique on the print page"
        assert "katex-math" in html and "assets/stylesheets/extra.css" in html
        assert not doc.xpath('//*[contains(@class, "study-controls")]'), "study controls act on question pages"
        assert [len(s.xpath('.//div[@class="study-meta"]')) for s in sections] == [1] * N_QUESTIONS  # badges stay
    out = printbook.rebase(
        '<h2 id="code">x</h2><a href="#code">c</a><a href="../06-stride-padding/#x">s</a>'
        '<a href="https://arxiv.org/abs/1512.03385">r</a>'
        '<details class="question"><summary>q</summary></details>',
        "q05",
        "questions/05-relu/",
        "print/",
    )
    assert 'id="q05-code"' in out and 'href="#q05-code"' in out
    assert 'href="../questions/06-stride-padding/#x"' in out and "<details open" in out
    assert 'href="https://arxiv.org/abs/1512.03385"' in out  # absolute URLs are left alone


def test_answer_sections_are_wrapped_at_build_time():
    from dlie import markup

    page = (
        '<html><article class="md-content__inner"><h1>T</h1><h2 id="question">Q</h2><p>q</p>'
        '<h2 id="short-answer">A</h2><p>a</p><pre>x</pre><h2 id="related">R</h2><ul></ul></article></html>'
    )
    out = markup.wrap_answers(page, ["short-answer"])
    reveal = '<button type="button" class="md-button study-reveal" hidden></button>'
    assert f'<h2 id="short-answer">A</h2>{reveal}<div class="study-answer"><p>a</p><pre>x</pre></div>' in out
    assert '<h2 id="question">Q</h2><p>q</p>' in out and out.count("study-answer") == 1
    assert markup.wrap_answers(page, []) == page
    last = markup.wrap_answers(page, ["related"])  # the last section runs to the end of the article
    assert last.endswith('<div class="study-answer"><ul></ul></div></article></html>')


def test_progress_tools_get_the_site_question_ids_and_messages_in_both_languages(site):
    """Import accepts the ids the build passes (every question, none hard-coded in the script);
    its messages exist in both languages with the same placeholders, the Chinese ones typeset."""
    import yaml

    from dlie import markup, studypages, textlint

    ui = {
        lang: yaml.safe_load((ROOT / "docs" / "ui" / f"{lang}.yml").read_text(encoding="utf-8"))
        for lang in ("zh", "en")
    }

    placeholders = {}
    for lang_dir, lang in (("", "zh"), ("en/", "en")):
        page = lxml.html.parse(str(site / lang_dir / "study" / "index.html")).getroot()
        tools = page.xpath('//div[@class="study-tools"]')[0]
        rows = page.xpath('//div[@class="study-table"]//tbody/tr/@data-q')
        assert json.loads(tools.get("data-ids")) == rows and len(rows) == N_QUESTIONS
        messages = json.loads(tools.get("data-messages"))
        assert set(messages) == set(studypages.TOOLS_MESSAGES) and all(messages.values())
        assert tools.xpath('.//p[@class="study-status"][@role="status"]')
        buttons = tools.xpath(".//dialog//button/@value")
        assert buttons == ["merge", "replace", "cancel"]
        placeholders[lang] = {k: set(re.findall(r"\{(\w+)", v)) for k, v in messages.items()}
        q = lxml.html.parse(str(site / lang_dir / "questions" / "05-relu" / "index.html")).getroot()
        assert json.loads(q.xpath('//div[@class="study-controls"]/@data-labels')[0])["storage"]
    assert placeholders["zh"] == placeholders["en"]
    zh = "\n".join(v for v in ui["zh"]["study"].values() if isinstance(v, str))
    assert textlint.lint_text(zh, "x.zh.md") == []
    assert set(ui["zh"]["study"]) == set(ui["en"]["study"])
    assert [markup.qid(n) for n in (1, 30, 31, 100)] == ["01", "30", "31", "100"]

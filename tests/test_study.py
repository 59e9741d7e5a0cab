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
from dlie import glossary, pageschema, studyplan
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


# --- the study path: properties that hold for any content --------------------------------------


def docs_plan(g: glossary.Glossary = G, extra: dict | None = None) -> studyplan.Plan:
    """The plan of the real questions (plus ``extra``: slug -> (PageProfile, difficulty))."""
    profiles = ci.scan_pages(ROOT / "docs", g, mentions=lambda lang, prose: set())
    difficulty = {}
    for slug in profiles:
        meta, _ = pageschema.read_front_matter((ROOT / "docs" / "questions" / f"{slug}.zh.md").read_text("utf-8"))
        difficulty[slug] = meta["difficulty"]
    for slug, (profile, level) in (extra or {}).items():
        profiles[slug], difficulty[slug] = profile, level
    return studyplan.Plan(profiles, g, difficulty)


def check_path(plan: studyplan.Plan) -> tuple[list[str], list[list[str]]]:
    """Every property the study path promises, whatever the content; returns order, sessions."""
    order = studyplan.study_order(plan)
    assert sorted(order) == sorted(plan.profiles), "every question is on the path exactly once"
    pos = {s: i for i, s in enumerate(order)}
    pre = plan.prerequisites
    shown = studyplan.direct_prerequisites(pre)
    for slug in order:
        assert shown[slug] <= pre[slug]
        for dep in pre[slug]:
            assert pos[dep] < pos[slug], f"{slug} comes before its prerequisite {dep}"
    # Among the questions whose prerequisites are done, the easiest level goes first.
    for i, slug in enumerate(order):
        ready = [s for s in order[i:] if all(pos[d] < i for d in pre[s])]
        assert plan.level(slug) == min(plan.level(s) for s in ready), f"{slug} comes before an easier ready question"
    # The path opens with a question that builds on no other, the one the most build on.
    reach = {s: len(d) for s, d in studyplan.dependents(pre).items()}
    roots = [s for s in order if not pre[s] and plan.level(s) == plan.level(order[0])]
    assert order[0] in roots and reach[order[0]] == max(reach[s] for s in roots)
    # No advanced question before every basic question it is connected to (by prerequisites
    # either way, or by a primary concept in common).
    later = studyplan.dependents(pre)
    hardest = len(plan.glossary.levels) - 1
    for adv in (s for s in order if plan.level(s) == hardest):
        near = {s for s in order if adv in later[s] or s in later[adv]}
        near |= {s for s in order if set(plan.profiles[s].primary) & set(plan.profiles[adv].primary)}
        basics = [pos[s] for s in near if plan.level(s) == 0]
        assert not basics or min(basics) < pos[adv], f"advanced {adv} comes before every basic question of its own"
    # A prerequisite harder than the question only when no question at its level explains the concept needed.
    own = studyplan.owners(plan)
    for slug, deps in pre.items():
        for dep in deps:
            if plan.level(dep) > plan.level(slug):
                needed = studyplan.background(plan.glossary, plan.profiles[slug].primary)
                taught = {c for c, o in own.items() if o == dep} & needed
                easier = {
                    c for s in plan.profiles if plan.level(s) <= plan.level(slug) for c in plan.profiles[s].primary
                }
                assert taught - easier, f"{slug} builds on the harder {dep} though an easier question explains it"
    sessions = studyplan.study_sessions(order, plan)
    assert [s for sess in sessions for s in sess] == order
    lo, hi = studyplan.SESSION_SIZES
    if len(order) >= lo:
        assert all(lo <= len(sess) <= hi for sess in sessions), [len(s) for s in sessions]
    topics = studyplan.session_topics(sessions, plan)
    named = [c for t in topics for c in t]
    assert len(named) == len(set(named)), "a concept names one session only"
    for sess, t in zip(sessions, topics, strict=True):
        assert 1 <= len(t) <= 3 and all(any(c in plan.profiles[s].primary for s in sess) for c in t)
    return order, sessions


def test_the_real_path_keeps_its_promises():
    order, sessions = check_path(docs_plan())
    num = {s: int(s[:2]) for s in order}
    pos = {num[s]: i for i, s in enumerate(order)}
    assert num[order[0]] == 1 and 1 in [num[s] for s in sessions[0]], "the overview opens the path"
    assert pos[25] < pos[13] and pos[25] < pos[14], "backpropagation before attention and multi-task learning"
    assert 3 <= len(sessions) <= 8


def test_a_question_31_joins_by_the_same_rules():
    raw = copy.deepcopy(RAW)
    raw["concepts"].append(
        {
            "id": "transformer-block",
            "zh": {"name": "测试块", "definition": "测试。"},
            "en": {"name": "test block", "definition": "Test."},
            "related": ["attention-mechanism"],
            "requires": ["attention-mechanism", "layer-normalization", "residual-connection"],
        }
    )
    g = glossary.parse_glossary(raw)
    number = max(QUESTIONS) + 1  # a question after the site's last (a copy may have a 31 already)
    slug = f"{number}-transformer"
    new = PageProfile(number, slug, {"zh": "测试", "en": "Test"}, ["transformer-block", "attention-mechanism"])
    plan = docs_plan(g, {slug: (new, "intermediate")})
    order, _ = check_path(plan)
    pos = {s: i for i, s in enumerate(order)}
    own = studyplan.owners(plan)  # the questions that teach what the new one requires
    teachers = {own[c] for c in ("layer-normalization", "residual-connection")}
    assert plan.prerequisites[slug] >= teachers
    assert own["attention-mechanism"] in plan.prerequisites[slug], "it revisits what question 13 teaches"
    assert pos[slug] > max(pos[own["attention-mechanism"]], *(pos[s] for s in teachers))


def tiny(requires: dict[str, list[str]]) -> glossary.Glossary:
    """A glossary of the given concepts (id -> requires), with placeholder names."""
    return glossary.parse_glossary(
        {
            "levels": RAW["levels"],
            "tags": {"t": {"zh": "标签", "en": "Tag"}},
            "concepts": [
                {
                    "id": cid,
                    "zh": {"name": f"概念{i}", "definition": "定义。"},
                    "en": {"name": f"concept {i}", "definition": "A definition."},
                    "requires": req,
                }
                for i, (cid, req) in enumerate(requires.items())
            ],
        }
    )


def tiny_plan(g: glossary.Glossary, questions: list[tuple[int, str, list[str]]]) -> studyplan.Plan:
    profiles = {f"{n:02d}-q": PageProfile(n, f"{n:02d}-q", {}, cids) for n, _, cids in questions}
    return studyplan.Plan(profiles, g, {f"{n:02d}-q": level for n, level, _ in questions})


def test_easier_questions_first_and_the_root_is_derived_not_numbered():
    g = tiny({"root": [], "a": ["root"], "b": ["root"], "c": ["a"], "aside": []})
    plan = tiny_plan(
        g,
        [
            (2, "advanced", ["b"]),
            (3, "basic", ["aside"]),  # builds on nothing either, but nothing builds on it
            (5, "intermediate", ["c"]),
            (7, "basic", ["a"]),
            (9, "basic", ["root"]),
        ],
    )
    order = studyplan.study_order(plan)
    assert order[0] == "09-q", "the question the most build on opens the path, whatever its number"
    assert [plan.difficulty[s] for s in order] == ["basic"] * 3 + ["intermediate", "advanced"]
    check_path(plan)


def test_a_concept_is_taught_by_the_easiest_question_that_lists_it():
    g = tiny({"base": [], "x": ["base"], "y": ["x"]})
    plan = tiny_plan(g, [(1, "advanced", ["x", "base"]), (2, "basic", ["base", "x"]), (3, "intermediate", ["y"])])
    assert studyplan.owners(plan)["x"] == "02-q", "the basic question, though x is its second concept"
    assert plan.prerequisites["03-q"] == {"02-q"}
    assert plan.prerequisites["01-q"] == {"02-q"}, "the advanced one revisits what the basic one teaches"


def test_revisits_that_would_close_a_cycle_are_dropped():
    g = tiny({"x": [], "y": []})
    plan = tiny_plan(g, [(1, "basic", ["x", "y"]), (2, "basic", ["y", "x"])])  # each revisits the other's
    check_path(plan)
    assert sorted(map(len, plan.prerequisites.values())) == [0, 1], "one of the two links is kept"


def test_sessions_cut_where_the_topic_changes():
    g = tiny({"root": [], "c1": [], "c2": [], "c3": ["c1"], "o1": [], "o2": [], "o3": ["o1"]})
    conv = [(2, ["c1", "c2"]), (4, ["c2", "c3"]), (6, ["c3", "c1"]), (8, ["c1", "c2", "c3"])]
    optim = [(3, ["o1", "o2"]), (5, ["o2", "o3"]), (7, ["o3", "o1"]), (9, ["o1", "o2", "o3"])]
    plan = tiny_plan(g, [(1, "basic", ["root"])] + [(n, "intermediate", cids) for n, cids in conv + optim])
    order, sessions = check_path(plan)
    topic = {f"{n:02d}-q": "conv" for n, _ in conv} | {f"{n:02d}-q": "optim" for n, _ in optim}
    runs = [topic[s] for s in order[1:]]
    assert runs in (["conv"] * 4 + ["optim"] * 4, ["optim"] * 4 + ["conv"] * 4), "one topic at a time, not by number"
    assert [len(s) for s in sessions] == [5, 4] and len({topic[s] for s in sessions[1]}) == 1


def test_session_topics_come_from_the_questions_concepts():
    g = tiny({"a": [], "b": [], "c": [], "d": []})
    plan = tiny_plan(g, [(1, "basic", ["a", "b"]), (2, "basic", ["b", "c"]), (3, "basic", ["a", "d"])])
    assert studyplan.session_topics([["01-q", "02-q"], ["03-q"]], plan, count=2) == [["a", "b"], ["d"]]


def test_question_level_cycle_is_an_error():
    g = glossary.parse_glossary(RAW)
    g.concepts["relu"].requires = ["dropout"]
    g.concepts["dropout"].requires = ["activation-function"]
    plan = studyplan.Plan(
        {
            "05-a": PageProfile(5, "05-a", {}, ["relu", "activation-function"]),
            "28-b": PageProfile(28, "28-b", {}, ["dropout"]),
        },
        g,
        {"05-a": "basic", "28-b": "basic"},
    )
    with pytest.raises(studyplan.StudyPlanError, match="cycle: 05-a -> 28-b -> 05-a"):
        studyplan.study_order(plan)


def test_unknown_requires_fails_the_build_naming_the_concept(make_project):
    proj = make_project()
    path = proj / "docs" / "concepts.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    {c["id"]: c for c in raw["concepts"]}["attention-mechanism"]["requires"].append("softmax-typo")
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    r = build(proj)
    assert r.returncode != 0
    assert "concept 'attention-mechanism' lists unknown requires id 'softmax-typo'" in r.stdout + r.stderr


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
        heads = path.xpath("//article/h2")
        assert len(heads) >= 3
        for h in heads:  # every session says what it covers, in the page's language
            covers = h.getnext()
            assert covers.get("class") == "study-covers" and len(covers.text_content()) > 10
            assert covers.getnext().tag == "ol"
        assert "01-deep-learning-overview" in heads[0].getnext().getnext().xpath("li/a")[0].get("href")
        first = heads[0].getnext().text_content()
        assert ("内容：" in first) if lang_dir == "" else first.startswith("Covers: ")
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

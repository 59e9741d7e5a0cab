"""The question list in parts (``parts:`` of docs/concepts.yml): glossary validation, the
navigation split into one section per part, part titles in the print edition, and the home
page listing every question under its part."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from conftest import MINIMAL_QUESTION, QUESTIONS, ROOT, build
from dlie import glossary, navparts, printbook, scaffold

DATA = yaml.safe_load((ROOT / "docs" / "concepts.yml").read_text(encoding="utf-8"))
PARTS = glossary.parse_glossary(DATA).parts


def with_parts(parts):
    return glossary.parse_glossary({**DATA, "parts": parts})


def test_parts_are_read_in_order_of_their_first_question():
    g = with_parts({"b": {"first": 31, "zh": "乙", "en": "B"}, "a": {"first": 1, "zh": "甲", "en": "A"}})
    assert [(p.id, p.first, p.labels["en"]) for p in g.parts] == [("a", 1, "A"), ("b", 31, "B")]
    assert glossary.parse_glossary({k: v for k, v in DATA.items() if k != "parts"}).parts == []


@pytest.mark.parametrize(
    "parts, message",
    [
        ({"a": {"zh": "甲", "en": "A"}}, "part 'a' needs 'first'"),
        ({"a": {"first": 2, "zh": "甲", "en": "A"}}, "must start at question 1"),
        (
            {"a": {"first": 1, "zh": "甲", "en": "A"}, "b": {"first": 1, "zh": "乙", "en": "B"}},
            "both start at question 1",
        ),
        ({"a": {"first": 1, "zh": "甲"}}, "parts 'a' needs a label in each of zh, en"),
        ({"A b": {"first": 1, "zh": "甲", "en": "A"}}, "not kebab-case"),
    ],
)
def test_bad_parts_fail_naming_the_part(parts, message):
    with pytest.raises(glossary.GlossaryError, match=re.escape(message)):
        with_parts(parts)


def test_part_of():
    assert [navparts.part_of(n, PARTS).id for n in (1, 30, 31, 40)] == ["foundations"] * 2 + ["recsys"] * 2
    assert navparts.part_of(5, []) is None


def test_print_edition_opens_each_part_with_its_title():
    pages = {f"/q{n}/": (n, f"T{n}", f"/q{n}/", "<p>x</p>") for n in (31, 2, 1)}
    body = printbook.assemble(pages, "/print/", [(1, "Part <1>"), (31, "Part 2")])
    order = re.findall(r'class="print-part" id="(part-\d+)">([^<]*)<|id="(q\d\d)"', body)
    assert [a or c for a, _, c in order] == ["part-1", "q01", "q02", "part-31", "q31"]
    assert "Part &lt;1&gt;" in body
    assert "print-part" not in printbook.assemble(pages, "/print/")


def test_a_two_part_site_has_one_navigation_section_per_part_in_every_language(make_project):
    proj = make_project()
    q = proj / "docs" / "questions"
    shutil.copytree(ROOT / "docs" / "print", proj / "docs" / "print")
    for lang in ("zh", "en"):
        text = MINIMAL_QUESTION[lang].replace("seed: 1", "seed: 31")
        (q / f"31-test.{lang}.md").write_text(text, encoding="utf-8")
    r = build(proj)
    assert r.returncode == 0, r.stdout + r.stderr
    site = proj / "site"
    for lang, prefix in (("zh", ""), ("en", "en/")):
        html = (site / prefix / "questions/31-test/index.html").read_text(encoding="utf-8")
        labels = [p.labels[lang] for p in PARTS]
        nav = html[html.index('class="md-nav md-nav--primary"') :]
        # each part is a section; question 1 sits under the first, question 31 under the second
        a, b = nav.index(labels[0]), nav.index(labels[1])
        assert a < nav.index("01-test/") < b < nav.index("31. ")
        printed = (site / prefix / "print/index.html").read_text(encoding="utf-8")
        printed = printed[printed.index('class="md-content"') :]
        assert (
            printed.index(labels[0]) < printed.index('id="q01"') < printed.index(labels[1]) < printed.index('id="q31"')
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_page_lists_every_question_under_its_part(lang):
    text = (ROOT / "docs" / f"index.{lang}.md").read_text(encoding="utf-8")
    parts = [p for p in PARTS if any(navparts.part_of(n, PARTS) == p for n in QUESTIONS)]
    heads = [m.start() for p in parts for m in [re.search(rf"^## .*{re.escape(p.labels[lang])}", text, re.M)] if m]
    assert len(heads) == len(parts), "a heading per part that has questions, with the part's name"
    for n in QUESTIONS:
        links = [m.start() for m in re.finditer(rf"\]\(questions/{n:02d}-[a-z0-9-]+\.md\)", text)]
        assert links, f"question {n} is missing from the home page"
        part = parts.index(navparts.part_of(n, PARTS))
        end = heads[part + 1] if part + 1 < len(heads) else len(text)
        assert heads[part] < links[0] < end, f"question {n} is listed outside its part"


HOME = """# Home

## Part one

| # | Q | Topic |
|---|---|---|
| 1 | [A](questions/01-a.md) | x |
| 3 | [C](questions/03-c.md) | x |

## Contributing
"""


def test_scaffold_lists_a_new_question_on_the_home_page_under_its_part():
    parts = with_parts(
        {"one": {"first": 1, "zh": "甲", "en": "Part one"}, "two": {"first": 31, "zh": "乙", "en": "Part two"}}
    ).parts
    text = scaffold.add_to_home(HOME, 2, "| 2 | [B](questions/02-b.md) | |", parts, "en")
    assert re.findall(r"^\| (\d+) ", text, re.M) == ["1", "2", "3"]
    text = scaffold.add_to_home(text, 32, "| 32 | [E](questions/32-e.md) | |", parts, "en")
    text = scaffold.add_to_home(text, 31, "| 31 | [D](questions/31-d.md) | |", parts, "en")
    # part two opens after part one's table, with the same table header, before "Contributing"
    assert text.index("| 3 |") < text.index("## Part two") < text.index("| 31 |") < text.index("| 32 |")
    assert text.index("| 32 |") < text.index("## Contributing")
    assert text.count("|---|---|---|") == 2
    assert scaffold.add_to_home("# Home\n", 31, "| 31 | x | |", parts, "en") == "# Home\n"  # no list to add to
    with pytest.raises(scaffold.ScaffoldError, match="no question table"):
        scaffold.add_to_home("# Home\n\n## Part one\n\nnothing yet\n", 2, "| 2 | x | |", parts, "en")

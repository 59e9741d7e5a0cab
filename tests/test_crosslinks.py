"""Every mention of another question on a question page ("Question 35", 「第 35 题」) is a link to
that question's page, in both languages: the text of a Markdown link whose target is the page
(an anchor on it is fine), e.g. "[Question 35](35-recommendation-losses.md)",
「[第 35 题](35-recommendation-losses.md#…)」 or "[Question 6's output size formula](06-stride-padding.md#…)".
Questions 31-40 were drafted in parallel with plain-text mentions of each other; this keeps the
web of links whole as pages are added."""

import re

import pytest

from conftest import ROOT

QDIR = ROOT / "docs" / "questions"
MENTION = re.compile(r"Question (\d+)|第 (\d+) 题")
LINK = re.compile(r"\[([^\]]*)\]\(([^)#\s]*)(?:#[^)\s]*)?\)")
PAGES = sorted(QDIR.glob("[0-9][0-9]-*.md"))


def slugs() -> dict[int, str]:
    return {int(p.name[:2]): p.name.split(".")[0] for p in QDIR.glob("[0-9][0-9]-*.en.md")}


def unlinked_mentions(text: str, known: dict[int, str]) -> list[str]:
    """Mentions of a question that are not inside the text of a link to that question's page.
    A page's own number (in its title or question line) is not a cross-reference."""
    links = [(m.start(1), m.end(1), m.group(2)) for m in LINK.finditer(text)]
    bad = []
    for m in MENTION.finditer(text):
        n = int(m.group(1) or m.group(2))
        target = f"{known.get(n, '?')}.md"
        if not any(a <= m.start() and m.end() <= b and t == target for a, b, t in links):
            bad.append(m.group(0))
    return bad


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_question_mention_is_a_link(page):
    assert unlinked_mentions(page.read_text(encoding="utf-8"), slugs()) == []


def test_checker_catches_plain_and_misdirected_mentions():
    known = slugs()
    assert unlinked_mentions("see [Question 32](32-two-tower-retrieval.md).", known) == []
    assert unlinked_mentions("见 [第 37 题](37-implicit-feedback-bias.md#ipw)", known) == []
    assert unlinked_mentions("[Question 6's output size formula](06-stride-padding.md#formula)", known) == []
    assert unlinked_mentions("Question 36 covers that side.", known) == ["Question 36"]
    assert unlinked_mentions("那部分见第 36 题；", known) == ["第 36 题"]
    # a draft's logQ reference: the text says question 32 but the link went to question 26
    assert unlinked_mentions("[Question 32](26-activation-functions.md)", known) == ["Question 32"]

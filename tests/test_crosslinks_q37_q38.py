"""Every mention of another question on the pages of questions 37 and 38 (and the recommender
section of question 14 that points to them) is a link to that question's page, in both languages:
"[Question 35](35-recommendation-losses.md)" and 「[第 35 题](35-recommendation-losses.md)」."""

import re
from pathlib import Path

import pytest

QDIR = Path(__file__).resolve().parent.parent / "docs" / "questions"
PAGES = ["37-implicit-feedback-bias", "38-cold-start", "14-multi-task-learning"]
MENTION = re.compile(r"Question (\d+)|第 (\d+) 题")


def slugs() -> dict[int, str]:
    return {int(p.name[:2]): p.name.split(".")[0] for p in QDIR.glob("[0-9][0-9]-*.en.md")}


def unlinked_mentions(text: str, known: dict[int, str]) -> list[str]:
    """Mentions of a question that are not "[mention](NN-slug.md)" with the right page."""
    bad = []
    for m in MENTION.finditer(text):
        n = int(m.group(1) or m.group(2))
        link = f"[{m.group(0)}]({known.get(n, '?')}.md)"
        if text[m.start() - 1 : m.start() - 1 + len(link)] != link:
            bad.append(m.group(0))
    return bad


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_every_question_mention_is_a_link(page, lang):
    text = (QDIR / f"{page}.{lang}.md").read_text(encoding="utf-8")
    assert unlinked_mentions(text, slugs()) == []


def test_checker_catches_plain_and_misdirected_mentions():
    known = slugs()
    assert unlinked_mentions("see [Question 32](32-two-tower-retrieval.md).", known) == []
    assert unlinked_mentions("见 [第 37 题](37-implicit-feedback-bias.md)", known) == []
    assert unlinked_mentions("Question 36 covers that side.", known) == ["Question 36"]
    assert unlinked_mentions("那部分见第 36 题；", known) == ["第 36 题"]
    # the draft's logQ reference: the text says question 26 but the page it meant is 32
    assert unlinked_mentions("[Question 32](26-activation-functions.md)", known) == ["Question 32"]

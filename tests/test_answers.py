"""30-second answers that can be said in 30 seconds, and references that link to stable addresses."""

from __future__ import annotations

import pytest

from conftest import ROOT

# --- 30-second answers and references ------------------------------------------------------
QUESTION_PAGES = sorted((ROOT / "docs" / "questions").glob("[0-9][0-9]-*.md"))


def page_lang(path) -> str:
    return path.name.rsplit(".", 2)[1]


@pytest.mark.parametrize("path", QUESTION_PAGES, ids=[p.name for p in QUESTION_PAGES])
def test_the_30_second_answer_can_be_said_in_30_seconds(path):
    from dlie import answers

    problem = answers.too_long(path.read_text(encoding="utf-8"), page_lang(path))
    assert problem is None, f"{path.name}: {problem}"


def test_a_long_30_second_answer_is_caught():
    from dlie import answers

    en = "## Question\n\n> Q?\n\n## 30-second answer\n\n" + "word " * 91 + "\n\n## In depth\n\nx\n"
    assert "91 words (limit 90)" in answers.too_long(en, "en")
    assert answers.too_long(en.replace("word " * 91, "word " * 90), "en") is None
    zh = "## 题目\n\n> 问？\n\n## 一句话答案\n\n" + "卷积" * 91 + "\n\n## 详解\n\nx\n"
    assert "182 characters (limit 180)" in answers.too_long(zh, "zh")
    # a formula counts by its symbols, a Latin word as one character in Chinese
    assert answers.spoken_length("输出 $\\lfloor (n+2p-k)/s \\rfloor + 1$ 个 ReLU", "zh") == 2 + 14 + 1 + 1
    assert answers.too_long("## 题目\n\nx\n", "zh") == "no '## 一句话答案' section"


@pytest.mark.parametrize("path", QUESTION_PAGES, ids=[p.name for p in QUESTION_PAGES])
def test_every_reference_links_to_a_stable_address(path):
    from dlie import references

    assert references.problems(path.read_text(encoding="utf-8"), page_lang(path)) == [], path.name


def test_a_reference_without_a_stable_link_is_caught():
    from dlie import references

    page = "## References\n\n1. He et al. (2016). [ResNet](https://arxiv.org/abs/1512.03385). *CVPR*.\n"
    assert references.problems(page, "en") == []
    assert references.problems(page.replace("abs", "pdf"), "en")  # a PDF address is not the stable page
    assert references.problems(page.replace("https://arxiv.org/abs/1512.03385", "https://example.org/r"), "en")
    assert "without a link" in references.problems("## 参考\n\n1. 某某，2016，某论文。\n", "zh")[0]

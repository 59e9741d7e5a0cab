"""House style lint (dlie.stylelint, issue #26): each rule fails on a planted violation, its fixed
form passes, and code, math, link targets, front matter and References are left alone. The run
over the repository is in test_lint.py, with the other linters."""

from __future__ import annotations

import pytest

from dlie import stylelint, textlint

FM = "---\ntitle: T\nseed: 1\nconcepts: [embedding]\n---\n\n"


def rules(text, lang, path="docs/questions/01-x.md"):
    return [(p.rule, p.found) for p in stylelint.lint_markdown(text, lang, path)]


def fixed(text, lang, path="docs/questions/01-x.md"):
    return stylelint.fix_markdown(text, lang, path)


# ---- one planted violation per rule, and its fixed form -------------------------------------
@pytest.mark.parametrize(
    "lang, bad, good",
    [
        ("zh", "参数少 14 倍。", "参数只有原来的 1/14。"),
        ("zh", "以约一次额外前向的代价换来梯度。", "代价是多做约一次前向。"),
        ("zh", "优化地形更平滑。", "损失曲面更平滑。"),
        ("zh", "偏置是双刃剑。", "偏置有利有弊。"),
        ("zh", "对输出施加激活。", "输出经过激活函数。"),
        ("zh", "得到上下文化的表示。", "得到融入上下文信息的表示。"),
        ("zh", "流传答案说注意力提高解释性。", "常有人说注意力提高解释性。"),
        ("zh", '!!! info "本页角度"\n', '!!! info "相关题目"\n'),
        ("en", "The circulated answer says so.", "A common claim says so."),
        ("en", '!!! info "This page\'s angle"\n', '!!! info "Related questions"\n'),
        ("en", "Conclusion: check it.", "So check it."),
        ("en", "Their differences and connections.", "How they differ."),
    ],
)
def test_calques_are_reported_with_a_suggestion(lang, bad, good):
    probs = stylelint.lint_markdown(FM + bad, lang)
    assert [p.rule for p in probs] == ["calque"] and probs[0].say and probs[0].line == 7
    assert rules(FM + good, lang) == []


def test_the_home_page_may_speak_of_the_circulated_answers():
    assert rules("流传版本的答案笼统。", "zh", "docs/index.zh.md") == []
    assert rules("The circulated answers are vague.", "en", "docs/index.en.md") == []
    assert rules("流传答案笼统。", "zh", "docs/questions/13-attention.zh.md") == [("calque", "流传答案")]


@pytest.mark.parametrize(
    "bad, good",
    [
        ("同一结论见 Tang & Wang（2018）。", "同一结论见 Tang 与 Wang（2018）。"),
        ("Glorot 和 Bengio（2010）提出。", "Glorot 与 Bengio（2010）提出。"),
        ("注意力（Jain & Wallace，NAACL 2019）。", "注意力（Jain 与 Wallace，NAACL 2019）。"),
        ("He et al.（2016）提出残差。", "He 等（2016）提出残差。"),
        ("双下降（Belkin et al., 2019）。", "双下降（Belkin 等，2019）。"),
    ],
)
def test_chinese_citations_use_yu_and_deng(bad, good):
    assert [r for r, _ in rules(bad, "zh")] == ["citation"]
    assert fixed(bad, "zh") == good
    assert rules(good, "zh") == []


def test_chinese_citation_of_three_authors_asks_for_deng_and_model_names_pass():
    assert rules("Oord、Dieleman 与 Schrauwen（2016）指出。", "zh") == [("citation", "Oord、Dieleman 与 Schrauwen")]
    assert rules("Oord 等（2016）指出。", "zh") == []
    assert rules("Wide & Deep（Cheng 等，2016）和 Softmax 和 ReLU。", "zh") == []


@pytest.mark.parametrize(
    "bad, good",
    [
        ("As Tang & Wang (2018) show.", "As Tang and Wang (2018) show."),
        ("Jain & Wallace (NAACL 2019) found it.", "Jain and Wallace (NAACL 2019) found it."),
    ],
)
def test_english_citations_use_and_in_prose(bad, good):
    assert [r for r, _ in rules(bad, "en")] == ["citation"]
    assert fixed(bad, "en") == good


def test_english_ampersand_inside_brackets_and_model_names_pass():
    assert rules("Shown before (Tang & Wang, 2018).", "en") == []
    assert rules("Wide & Deep (Cheng et al., 2016) and Deep & Cross.", "en") == []
    assert rules("Oord, Dieleman and Schrauwen (2016) note it.", "en") == [("citation", "Oord, Dieleman and Schrauwen")]


def test_cross_references_take_the_house_form():
    assert fixed("详见[第 13 题](13-attention.md)。", "zh") == "详见 [第 13 题](13-attention.md)。"
    assert fixed("见 [第13题](13-attention.md)。", "zh") == "见 [第 13 题](13-attention.md)。"
    assert fixed("与[第11题](11-skip.md)相关", "zh") == "与 [第 11 题](11-skip.md)相关"
    assert rules("（[第 3 题](03-x.md)）；[第 3 题](03-x.md) 讲", "zh") == []
    assert fixed("see [question 13](13-attention.md#in-depth).", "en") == "see [Question 13](13-attention.md#in-depth)."
    assert fixed("see [Q13](13-attention.md).", "en") == "see [Question 13](13-attention.md)."
    assert rules("见 [第 13 题](13-attention.md)，[输出尺寸公式](06-stride-padding.md)。", "zh") == []
    assert rules("See [Question 13](13-attention.md), [the formula](06-stride-padding.md).", "en") == []


def test_a_cross_reference_to_the_wrong_number_is_reported_not_fixed():
    text = "见 [第 12 题](13-attention.md)。"
    probs = stylelint.lint_markdown(text, "zh")
    assert [(p.rule, p.found, p.fix) for p in probs] == [("xref", "第 12 题", None)]
    assert "13" in probs[0].say and fixed(text, "zh") == text


def test_british_spellings_become_us_and_keep_their_case():
    text = "Normalised inputs; the behaviour is modelled; Centre crops; colours and neighbouring cells.\n"
    assert (
        fixed(text, "en") == "Normalized inputs; the behavior is modeled; Center crops; colors and neighboring cells.\n"
    )
    assert {r for r, _ in rules(text, "en")} == {"spelling"}
    # US words that look British are left alone
    assert rules("An analysis of the emphasis; analyses; organism; realism.", "en") == []


def test_spelling_is_for_english_only():
    assert rules("behaviour", "zh") == []


def test_term_list_in_chinese_prose():
    assert rules("用户 embedding 向量", "zh") == [("term", "embedding")]
    assert rules("学习率 warmup 阶段", "zh") == [("term", "warmup")]
    assert rules("独热编码", "zh") == [("term", "独热")]
    assert rules("stride 为 2 的卷积", "zh") == [("term", "stride")]
    assert rules("PyTorch 的 output_padding 参数", "zh") == []  # a parameter name, not the word
    # the English gloss of a first use, and the words that stay English, pass
    assert rules("嵌入（embedding）向量；预热（warmup）；one-hot 编码；Dropout 层", "zh") == []


def test_sizes_are_written_with_the_multiplication_sign():
    assert fixed("a 3x3 kernel and a 1 x 1 conv", "en") == "a 3×3 kernel and a 1×1 conv"
    assert fixed("用 $3\\times3$ 卷积和 $7 \\times 7$ 的核", "zh") == "用 3×3 卷积和 7×7 的核"
    # formulas stay formulas; hex numbers and versions are not sizes
    assert rules("a $k\\times k$ kernel, $3\\times3\\times64$ weights, 0x1F, v1.2x3", "en") == []


def test_softmax_sigmoid_tanh_are_lower_case_mid_sentence():
    text = "apply Softmax to logits, then Sigmoid or Tanh."
    assert fixed(text, "en") == "apply softmax to logits, then sigmoid or tanh."
    ok = 'Softmax turns logits into probabilities. **"Sigmoid is dead."** the Sigmoid Linear Unit (SiLU).\n\n## Tanh'
    assert rules(ok, "en") == []


# ---- what is not prose ----------------------------------------------------------------------
def test_code_math_link_targets_html_and_front_matter_are_skipped():
    text = (
        "---\ntitle: T\nconcepts: [embedding, normalisation-3x3]\n---\n\n"
        "`Softmax 3x3 behaviour` and $\\text{behaviour}\\ 3x3$ and [x](https://e.org/behaviour-3x3.md)\n\n"
        "```python\nx = 3x3  # behaviour, Softmax, the circulated answer\n```\n\n"
        "    ```python\n    embedding = 1  # 本页角度\n    ```\n\n"
        '<span title="behaviour 3x3"></span> {: .behaviour}\n'
    )
    assert rules(text, "en") == []
    assert rules(text.replace("behaviour", "embedding"), "zh") == []
    assert fixed(text, "en") == text


def test_the_title_is_prose():
    assert rules("---\ntitle: Batch normalisation\nseed: 1\n---\n", "en") == [("spelling", "normalisation")]


def test_references_keep_their_titles():
    refs = (
        "## References\n\n"
        "1. Ioffe, S., Szegedy, C. [Batch Normalisation: Accelerating the Centre](https://arxiv.org/abs/1502.03167). "
        "ICML 2015. Softmax, Tang & Wang (2018), 3x3.\n"
    )
    assert rules(refs, "en") == []
    # ... until the next section
    assert rules(refs + "\n## Notes\n\nthe behaviour\n", "en") == [("spelling", "behaviour")]
    assert rules("## 参考\n\n1. He, K. et al. (2016). 见[第 1 题](01-x.md)\n", "zh") == [("xref", "见[")]


def test_messages_name_file_line_rule_found_and_suggestion():
    p = stylelint.lint_markdown("one\n\nthe behaviour\n", "en")[0]
    assert p.format("docs/q.en.md") == "docs/q.en.md:3: spelling: «behaviour» -> behavior"


# ---- the other files of the house style ------------------------------------------------------
def test_glossary_english_names_and_definitions_not_aliases():
    text = (
        "  - id: x\n    zh: {name: 正则化, aliases: [behaviour], definition: 正则化 behaviour。}\n"
        "    en: {name: regularisation, aliases: [regularisation, generalisation], definition: A colour.}\n"
    )
    assert [(p.rule, p.found, p.line) for p in stylelint.lint_yaml_en(text, glossary=True)] == [
        ("spelling", "regularisation", 3),
        ("spelling", "colour", 3),
    ]


def test_interface_strings():
    assert [p.found for p in stylelint.lint_yaml_en("# colour\nsep: colour\nlist:\n  - behaviour\n")] == [
        "colour",
        "behaviour",
    ]


def test_contributing_halves_by_language(tmp_path):
    f = tmp_path / "CONTRIBUTING.md"
    f.write_text("## 中文\n\n见[第 1 题](01-x.md)，behaviour\n\n## English\n\nthe behaviour, 独热\n", encoding="utf-8")
    assert [(p.rule, p.line) for p in stylelint.lint_file(f)] == [("xref", 3), ("spelling", 7)]


def test_cli_reports_and_fixes(tmp_path, capsys):
    f = tmp_path / "q.en.md"
    f.write_text("A 3x3 kernel, as Tang & Wang (2018) say: the behaviour.\n", encoding="utf-8")
    assert textlint.main([str(f)]) == 1
    out = capsys.readouterr().out
    assert f"{f}:1: size: «3x3» -> 3×3" in out and "citation" in out and "spelling" in out
    assert textlint.main(["--fix", str(f)]) == 0
    assert f.read_text(encoding="utf-8") == "A 3×3 kernel, as Tang and Wang (2018) say: the behavior.\n"
    assert textlint.main([str(f)]) == 0


def test_style_data_is_valid():
    style = stylelint.load_style()
    assert style.calques["zh"] and style.calques["en"] and style.spelling["behaviour"] == "behavior"
    assert all(say for lang in style.calques.values() for _, say, _ in lang)


def test_read_measurements_count_prose_only():
    en = (
        "---\ntitle: T\n---\n\n## In depth\n\nOne two three (four) five. Six seven, e.g. eight, nine.\n\n"
        "| a | b |\n\n```python\nx = 1. y = 2.\n```\n\nWhere $x$ is big.\n\n## References\n\n1. A. B. C. D.\n"
    )
    want = ["One two three (four) five.", "Six seven, eg eight, nine.", "Where X is big."]
    assert stylelint.prose_sentences(en, "en") == want
    stats = stylelint.prose_stats([en], "en")
    assert stats["sentences"] == 3 and stats["median_words"] == 5
    assert stats["brackets_per_1000_words"] == round(1000 / 14, 1)
    zh = "## 详解\n\n卷积（conv）很快。池化也快！\n"
    assert stylelint.prose_stats([zh], "zh")["sentences"] == 2


def test_table_header_cells_name_their_columns():
    zh = "| | 卷积层 | 全连接层 |\n|---|---|---|\n| 参数 | 少 | 多 |\n"
    en = "| | Conv | FC |\n| --- | --- | --- |\n| Weights | few | many |\n"
    assert rules(zh, "zh") == [("table-header", " ")]
    assert fixed(zh, "zh").startswith("| 对比项 | 卷积层 |")
    assert fixed(en, "en").startswith("| Aspect | Conv |")
    inner = "| k | | v |\n|---|---|---|\n| 1 | 2 | 3 |\n"  # reported, not guessed
    assert rules(inner, "en") == [("table-header", " ")] and fixed(inner, "en") == inner
    named = "| Aspect | Conv |\n|---|---|\n| 1 | 2 |\n\nA | line | with | bars\n"
    assert rules(named, "en") == []

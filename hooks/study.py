"""MkDocs hook: study mode (thin layer over ``studyplan`` and ``conceptindex``).

* Question pages get their difficulty and tags (linked to the overview), and the controls of
  practice mode and progress (shown only when the study script runs; without JavaScript the
  answers are simply shown). The answer sections are wrapped, each after its hidden reveal
  button, when the page is built rather than by the script: moving every section of the article
  at start-up restyled the whole formula page (~100 ms, Lighthouse TBT).
* ``study/index.<lang>.md``: all questions with difficulty, tags and progress, filterable.
* ``study/path.<lang>.md``: the questions in prerequisite and difficulty order, in sessions
  that each say what they cover (``studyplan``); a concept cycle in the glossary's
  ``requires`` fails the build with the cycle named.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from dlie import conceptindex as ci
from dlie import glossary, pageschema, studyplan

OVERVIEW_MARKER = "<!-- study-overview -->"
PATH_MARKER = "<!-- study-path -->"
SUMMARY_MARKER = "<!-- study-summary -->"
TOOLS_MARKER = "<!-- study-tools -->"
RANDOM_MARKER = "<!-- study-random -->"
ANSWER_SECTIONS = {
    "zh": ["一句话答案", "详解", "代码", "常见误区", "追问", "在推荐系统中", "参考"],
    "en": [
        "30-second-answer",
        "in-depth",
        "code",
        "common-misconceptions",
        "follow-up-questions",
        "in-recommender-systems",
        "references",
    ],
}
T = {
    "zh": {
        "difficulty": "难度",
        "tags": "标签",
        "practice": "练习模式",
        "reveal": "显示答案",
        "hide": "隐藏答案",
        "reveal_all": "显示全部答案",
        "progress": "掌握程度",
        "states": ["未掌握", "复习中", "已掌握"],
        "q": "题",
        "question": "题目",
        "state": "进度",
        "session": "第 {n} 次学习",
        "covers": "内容：{topics}。",
        "builds_on": "先修",
        "random": "随机一题",
        "none": "—",
        "see_all": "查看全部进度",
        "reset": "重置进度",
        "export": "导出进度",
        "import": "导入进度",
        "confirm": "确定清除本浏览器中保存的全部进度吗？",
        "invalid": "无法读取这个文件：它不是导出的进度文件。",
    },
    "en": {
        "difficulty": "Difficulty",
        "tags": "Tags",
        "practice": "Practice mode",
        "reveal": "Show answer",
        "hide": "Hide answer",
        "reveal_all": "Show all answers",
        "progress": "Progress",
        "states": ["Not yet", "Reviewing", "Mastered"],
        "q": "#",
        "question": "Question",
        "state": "Progress",
        "session": "Session {n}",
        "covers": "Covers: {topics}.",
        "builds_on": "Builds on",
        "random": "Random question",
        "none": "—",
        "see_all": "See all progress",
        "reset": "Reset progress",
        "export": "Export progress",
        "import": "Import progress",
        "confirm": "Clear the progress of all questions stored in this browser?",
        "invalid": "Cannot read this file: it is not an exported progress file.",
    },
}
STATE_IDS = ["new", "reviewing", "mastered"]
_state: dict = {}


def lang_of(page) -> str:
    return "en" if page.file.src_uri.endswith(".en.md") else "zh"


@event_priority(70)
def on_files(files, config):
    docs = Path(config.docs_dir)
    sig = pageschema.docs_signature(docs)
    if _state.get("sig") == sig:
        return files
    g = glossary.load_glossary(docs / "concepts.yml")
    cycle = studyplan.concept_cycle(g)
    if cycle:
        raise PluginError(f"docs/concepts.yml: the 'requires' data has a cycle: {' -> '.join(cycle)}")
    profiles = ci.scan_pages_once(docs, g, sig)
    metas = {}
    for p in sorted((docs / "questions").glob("[0-9][0-9]-*.zh.md")):
        meta, _ = pageschema.read_front_matter(p.read_text(encoding="utf-8"))
        metas[p.name[: -len(".zh.md")]] = meta
    plan = studyplan.Plan(profiles, g, {slug: meta["difficulty"] for slug, meta in metas.items()})
    try:
        order = studyplan.study_order(plan)
    except studyplan.StudyPlanError as e:
        raise PluginError(f"study path: {e}") from None
    sessions = studyplan.study_sessions(order, plan)
    _state.update(
        sig=sig,
        glossary=g,
        profiles=profiles,
        metas=metas,
        order=order,
        sessions=list(zip(sessions, studyplan.session_topics(sessions, plan), strict=True)),
        prereqs=studyplan.direct_prerequisites(plan.prerequisites),
    )
    return files


def badges(slug: str, lang: str, overview: str) -> str:
    """Difficulty and tags of a question; tags link to the overview filtered by that tag."""
    g, meta, tr = _state["glossary"], _state["metas"][slug], T[lang]
    colon = "：" if lang == "zh" else ": "
    level = f'<span class="study-level">{tr["difficulty"]}{colon}{g.levels[meta["difficulty"]][lang]}</span>'
    tags = " ".join(
        f'<a class="study-tag" href="{overview}?tag={t}">{html.escape(g.tags[t][lang])}</a>' for t in meta["tags"]
    )
    return f"{level} {tags}"


def question_header(slug: str, lang: str) -> str:
    """Badges plus the study controls (hidden until the study script shows them)."""
    seed, tr = _state["profiles"][slug].seed, T[lang]
    states = "".join(
        f'<label><input type="radio" name="study-progress" value="{sid}"> {label}</label>'
        for sid, label in zip(STATE_IDS, tr["states"], strict=True)
    )
    labels = json.dumps({k: tr[k] for k in ("reveal", "hide", "reveal_all")}, ensure_ascii=False)
    return (
        f'<div class="study-meta">{badges(slug, lang, "../../study/")}</div>\n'
        f'<div class="study-controls" hidden data-q="{seed:02d}" data-labels=\'{labels}\'>'
        f'<label class="study-practice"><input type="checkbox" name="study-practice"> {tr["practice"]}</label>'
        f'<fieldset class="study-progress"><legend>{tr["progress"]}</legend>{states}</fieldset></div>\n\n'
    )


H2_RE = re.compile(r'<h2(?: id="([^"]*)")?[^>]*>.*?</h2>', re.S)


def wrap_answers(output: str, answer_ids: list[str]) -> str:
    """The page with each answer section of its article (from an answer ``<h2>`` up to the next
    ``<h2>`` or the end of the article) in ``<div class="study-answer">``, preceded by the hidden
    button study.js uses to reveal it; the markup study.js built itself before. The script gives
    the sections their ids: Material names a code block after its closest ancestor with an id,
    and all code blocks of a section would get the same one."""
    start, end = output.find("<article"), output.find("</article>")
    if start < 0 or end < start:
        return output
    article = output[start:end]
    heads = list(H2_RE.finditer(article))
    parts, pos = [], 0
    for i, h in enumerate(heads):
        if h.group(1) not in answer_ids:
            continue
        stop = heads[i + 1].start() if i + 1 < len(heads) else len(article)
        parts += [
            article[pos : h.end()],
            '<button type="button" class="md-button study-reveal" hidden></button><div class="study-answer">',
            article[h.end() : stop],
            "</div>",
        ]
        pos = stop
    return output[:start] + "".join(parts) + article[pos:] + output[end:]


def overview_markdown(lang: str) -> str:
    g, metas, profiles, tr = _state["glossary"], _state["metas"], _state["profiles"], T[lang]
    rows = []
    for slug in sorted(profiles, key=lambda s: profiles[s].seed):
        p, meta = profiles[slug], metas[slug]
        tags = " ".join(html.escape(g.tags[x][lang]) for x in meta["tags"])
        title = html.escape(p.titles[lang])
        rows.append(
            f'<tr data-q="{p.seed:02d}" data-level="{meta["difficulty"]}" data-tags="{" ".join(meta["tags"])}">'
            f'<td>{p.seed}</td><td><a href="../questions/{slug}/">{title}</a></td>'
            f"<td>{g.levels[meta['difficulty']][lang]}</td><td>{tags}</td>"
            f'<td class="study-state">{tr["none"]}</td></tr>'
        )
    tag_boxes = "".join(
        f'<label><input type="checkbox" name="tag" value="{k}"> {html.escape(v[lang])}</label>'
        for k, v in g.tags.items()
    )
    level_boxes = "".join(
        f'<label><input type="checkbox" name="level" value="{k}"> {html.escape(v[lang])}</label>'
        for k, v in g.levels.items()
    )
    head = "".join(f"<th>{tr[k]}</th>" for k in ("q", "question", "difficulty", "tags", "state"))
    return (
        f'<form class="study-filter" hidden><fieldset><legend>{tr["tags"]}</legend>{tag_boxes}</fieldset>'
        f"<fieldset><legend>{tr['difficulty']}</legend>{level_boxes}</fieldset></form>\n\n"
        f'<div class="study-table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>\n'
    )


def random_link(lang: str, prefix: str, urls: str) -> str:
    """A "random question" link: the study script picks one of ``urls``; without JavaScript it
    opens the first question of the study path."""
    first = f"{prefix}{_state['order'][0]}/"
    return f'<a class="study-random" href="{first}" data-urls=\'{urls}\'>{T[lang]["random"]}</a>'


def path_markdown(lang: str) -> str:
    profiles, g, tr = _state["profiles"], _state["glossary"], T[lang]
    lines = []
    for n, (session, topics) in enumerate(_state["sessions"], 1):
        names = ("、" if lang == "zh" else ", ").join(g.concepts[c].names[lang] for c in topics)
        covers = tr["covers"].format(topics=html.escape(names))
        lines += [f"## {tr['session'].format(n=n)}", "", f'<p class="study-covers">{covers}</p>', ""]
        for slug in session:
            p = profiles[slug]
            pre = sorted(_state["prereqs"][slug], key=lambda s: profiles[s].seed)
            after = ""
            if pre:
                names = ("、" if lang == "zh" else ", ").join(str(profiles[s].seed) for s in pre)
                after = f"（{tr['builds_on']}：{names}）" if lang == "zh" else f" ({tr['builds_on']}: {names})"
            lines.append(f"1. [{p.seed}. {p.titles[lang]}](../questions/{slug}.md){after}")
        lines.append("")
    return "\n".join(lines)


def summary_html(lang: str, study_url: str) -> str:
    tr, total = T[lang], len(_state["profiles"])
    counts = " · ".join(
        f'{label} <b data-count="{sid}">0</b>'
        for sid, label in reversed(list(zip(STATE_IDS, tr["states"], strict=True)))
    )
    link = f' · <a href="{study_url}">{tr["see_all"]}</a>' if study_url else ""
    states = json.dumps(tr["states"], ensure_ascii=False)
    return f'<p class="study-summary" hidden data-total="{total}" data-states=\'{states}\'>{counts}{link}</p>'


def tools_html(lang: str) -> str:
    tr = T[lang]
    return (
        f'<div class="study-tools" hidden data-confirm="{tr["confirm"]}" data-invalid="{tr["invalid"]}">'
        f'<button type="button" class="md-button study-reset">{tr["reset"]}</button> '
        f'<button type="button" class="md-button study-export">{tr["export"]}</button> '
        f'<label class="md-button study-import-label">{tr["import"]}'
        f'<input type="file" accept="application/json,.json" class="study-import"></label></div>'
    )


def fill_markers(markdown: str, lang: str, depth: int) -> str:
    """Replace the study markers of a page at ``depth`` folders below the language root."""
    up = "../" * depth
    urls = json.dumps([f"{up}questions/{s}/" for s in sorted(_state["profiles"])])
    study = f"{up}study/"
    return (
        markdown.replace(SUMMARY_MARKER, summary_html(lang, study))
        .replace(TOOLS_MARKER, tools_html(lang))
        .replace(RANDOM_MARKER, random_link(lang, f"{up}questions/", urls))
    )


def on_page_markdown(markdown, page, config, files):
    lang, uri = lang_of(page), page.file.src_uri
    depth = page.url.count("/") - (1 if page.url.startswith("en/") else 0)  # URL folders below the root
    markdown = fill_markers(markdown, lang, depth)
    if uri.startswith("study/index."):
        return markdown.replace(OVERVIEW_MARKER, overview_markdown(lang))
    if uri.startswith("study/path."):
        return markdown.replace(PATH_MARKER, path_markdown(lang))
    if uri.startswith("questions/") and page.meta.get("seed") is not None:
        slug = Path(uri).name.rsplit(".", 2)[0]
        if slug in _state["metas"]:
            return question_header(slug, lang) + markdown
    return markdown


def on_post_page(output, page, config):
    if page.file.src_uri.startswith("questions/") and page.meta.get("seed") is not None:
        return wrap_answers(output, ANSWER_SECTIONS[lang_of(page)])
    return output

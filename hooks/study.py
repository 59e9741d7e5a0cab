"""MkDocs hook: study mode (thin layer over ``studyplan`` and ``conceptindex``).

* Question pages get their difficulty and tags (linked to the overview), and the controls of
  practice mode and progress (shown only when the study script runs; without JavaScript the
  answers are simply shown). The answer sections are wrapped, each after its hidden reveal
  button, when the page is built rather than by the script: moving every section of the article
  at start-up restyled the whole formula page (~100 ms, Lighthouse TBT).
* ``study/index.<lang>.md``: all questions with difficulty, tags and progress, filterable.
* ``study/path.<lang>.md``: the questions in prerequisite order, in a few sessions; a concept
  cycle in the glossary's ``requires`` fails the build with the cycle named.
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
        "builds_on": "先修",
        "random": "随机一题",
        "none": "—",
        "see_all": "查看全部进度",
        "reset": "重置进度",
        "export": "导出进度",
        "import": "导入进度",
        "confirm": "确定清除本浏览器中保存的全部进度吗？将重置 {n} 道已标记的题目，如需保留请先导出。",
        "reset_nothing": "本浏览器中没有可清除的进度。",
        "reset_done": "已清除 {n} 道题的进度。",
        "export_empty": "还没有可导出的进度：请先在题目页标记掌握程度。",
        "exported": "已导出 {n} 道题的进度。",
        "import_summary": "文件中有 {n} 道题的进度，其中 {d} 道与本浏览器不同。",
        "import_date": "文件导出于 {date}。",
        "import_help": "合并：采用文件中这些题的进度，其他题保持不变；替换：本浏览器的进度完全改为文件中的。",
        "import_replace_note": "替换还会重置 {r} 道只在本浏览器中标记的题目。",
        "merge": "合并",
        "replace": "替换",
        "cancel": "取消",
        "imported": "已导入进度：{c} 道题有变化。",
        "import_cancelled": "已取消导入，进度未改变。",
        "import_failed": "未导入：{reason}本浏览器中的进度未改变。",
        "err_empty_file": "文件是空的。",
        "err_too_large": "文件有 {kb} KB，远大于进度文件。",
        "err_not_json": "文件不是有效的 JSON（可能不完整或已损坏）。",
        "err_not_progress": "这不是从本站导出的进度文件。",
        "err_newer_version": "文件来自本站的较新版本（格式 {v}），本页只能读取格式 {max} 及更早的版本。",
        "err_bad_types": "文件中的进度数据格式不对。",
        "err_no_entries": "文件中没有任何题目的进度。",
        "err_unknown_ids": "文件中有本站没有的题目：{list}。",
        "err_unknown_states": "文件中有本站不认识的进度状态：{list}。",
        "err_unreadable": "浏览器无法读取这个文件。",
        "list_sep": "、",
        "storage": "本浏览器无法保存进度（存储被禁用或已满，例如在隐私模式下）：现在做的标记在关闭页面后不会保留。",
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
        "builds_on": "Builds on",
        "random": "Random question",
        "none": "—",
        "see_all": "See all progress",
        "reset": "Reset progress",
        "export": "Export progress",
        "import": "Import progress",
        "confirm": "Clear all progress stored in this browser? {n} marked {n:question|questions} will be reset. "
        "Export first to keep a copy.",
        "reset_nothing": "There is no progress in this browser to clear.",
        "reset_done": "Progress cleared: {n} {n:question|questions} reset.",
        "export_empty": "There is no progress to export yet: mark a question on its page first.",
        "exported": "Progress exported: {n} {n:question|questions}.",
        "import_summary": "{n} {n:question|questions} from the file; {d} of them {d:differs|differ} from this browser.",
        "import_date": "The file was exported on {date}.",
        "import_help": "Merge takes the file's progress for these questions and keeps the others; "
        "Replace makes this browser's progress exactly the file's.",
        "import_replace_note": "Replace also resets {r} {r:question|questions} marked only in this browser.",
        "merge": "Merge",
        "replace": "Replace",
        "cancel": "Cancel",
        "imported": "Progress imported: {c} {c:question|questions} changed.",
        "import_cancelled": "Import cancelled; your progress is unchanged.",
        "import_failed": "Nothing was imported: {reason} Your progress in this browser is unchanged.",
        "err_empty_file": "the file is empty.",
        "err_too_large": "the file is {kb} KB, far too large for a progress file.",
        "err_not_json": "the file is not valid JSON (it may be truncated or damaged).",
        "err_not_progress": "the file is not a progress file exported from this site.",
        "err_newer_version": "the file comes from a newer version of this site (format {v}); "
        "this page reads format {max} and older.",
        "err_bad_types": "the progress data in the file is not in the expected form.",
        "err_no_entries": "the file holds no progress for any question.",
        "err_unknown_ids": "the file has progress for questions this site does not have: {list}.",
        "err_unknown_states": "the file uses progress states this site does not know: {list}.",
        "err_unreadable": "the browser could not read the file.",
        "list_sep": ", ",
        "storage": "Progress cannot be saved in this browser (storage is blocked or full, as in some private modes): "
        "marks made now will not be kept after this page closes.",
    },
}
STATE_IDS = ["new", "reviewing", "mastered"]
_state: dict = {}


def lang_of(page) -> str:
    return "en" if page.file.src_uri.endswith(".en.md") else "zh"


@event_priority(70)
def on_files(files, config):
    docs = Path(config.docs_dir)
    _state["site"] = config.site_url or ""
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
    try:
        order = studyplan.study_order(profiles, g)
    except studyplan.StudyPlanError as e:
        raise PluginError(f"study path: {e}") from None
    _state.update(
        sig=sig,
        glossary=g,
        profiles=profiles,
        metas=metas,
        order=order,
        prereqs=studyplan.question_prerequisites(profiles, g),
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
    labels = json_attr({k: tr[k] for k in ("reveal", "hide", "reveal_all", "storage")})
    return (
        f'<div class="study-meta">{badges(slug, lang, "../../study/")}</div>\n'
        f'<div class="study-controls" hidden data-q="{qid(seed)}" data-labels="{labels}">'
        f'<label class="study-practice"><input type="checkbox" name="study-practice"> {tr["practice"]}</label>'
        f'<fieldset class="study-progress"><legend>{tr["progress"]}</legend>{states}</fieldset>'
        '<p class="study-status" role="status"></p></div>\n\n'
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
            f'<tr data-q="{qid(p.seed)}" data-level="{meta["difficulty"]}" data-tags="{" ".join(meta["tags"])}">'
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
    profiles, tr = _state["profiles"], T[lang]
    lines = []
    for n, session in enumerate(studyplan.study_sessions(_state["order"]), 1):
        lines += [f"## {tr['session'].format(n=n)}", ""]
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


# --- progress tools (reset, export, import) --------------------------------------------------
# The messages the study script shows on the overview, and the ids import accepts: the build
# knows every question, so the script hard-codes neither.
TOOLS_MESSAGES = (
    *("confirm", "reset_nothing", "reset_done", "export_empty", "exported", "imported", "import_cancelled"),
    *("import_summary", "import_date", "import_replace_note", "import_failed", "list_sep", "storage"),
    *("err_empty_file", "err_too_large", "err_not_json", "err_not_progress", "err_newer_version"),
    *("err_bad_types", "err_no_entries", "err_unknown_ids", "err_unknown_states", "err_unreadable"),
)


def qid(seed: int) -> str:
    """A question's progress id (``localStorage`` key, export files): its number, two digits or more."""
    return f"{seed:02d}"


def json_attr(value) -> str:
    """``value`` as JSON for a double-quoted HTML attribute."""
    return html.escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True)


def tools_html(lang: str) -> str:
    """Reset, export and import of progress, a live region for their messages, and the dialog
    that shows what an import will do (merge, replace or cancel) before it does it."""
    tr = T[lang]
    ids = [qid(p.seed) for p in sorted(_state["profiles"].values(), key=lambda p: p.seed)]
    data = f'data-ids="{json_attr(ids)}" data-site="{html.escape(_state["site"])}" '
    data += f'data-messages="{json_attr({k: tr[k] for k in TOOLS_MESSAGES})}"'
    buttons = "".join(
        f'<button value="{k}" class="md-button{" md-button--primary" if k == "merge" else ""}">{tr[k]}</button> '
        for k in ("merge", "replace", "cancel")
    )
    dialog = (
        '<dialog class="study-import-dialog" aria-labelledby="study-import-title"><form method="dialog">'
        f'<p id="study-import-title"><strong>{tr["import"]}</strong></p><p class="study-import-summary"></p>'
        f'<p class="study-import-date"></p><p>{html.escape(tr["import_help"])}</p>'
        f'<p class="study-import-note"></p><p class="study-import-buttons">{buttons}</p></form></dialog>'
    )
    return (
        f'<div class="study-tools" hidden {data}>'
        f'<button type="button" class="md-button study-reset">{tr["reset"]}</button> '
        f'<button type="button" class="md-button study-export">{tr["export"]}</button> '
        f'<label class="md-button study-import-label">{tr["import"]}'
        f'<input type="file" accept="application/json,.json" class="study-import"></label>'
        f'<p class="study-status" role="status"></p>{dialog}</div>'
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

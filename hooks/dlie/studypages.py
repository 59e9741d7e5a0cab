"""Study mode (functions of a :class:`dlie.build.Build`, over ``studyplan``):

* Question pages get their difficulty and tags (linked to the overview), and the controls of
  practice mode and progress (shown only when the study script runs; without JavaScript the
  answers are simply shown). The answer sections are wrapped, each after its hidden reveal
  button, when the page is built rather than by the script: moving every section of the article
  at start-up restyled the whole formula page (~100 ms, Lighthouse TBT).
* ``study/index.<lang>.md``: all questions with difficulty, tags and progress, filterable.
* ``study/path.<lang>.md``: the questions in prerequisite and difficulty order, in sessions that
  each say what they cover (``studyplan``).
"""

from __future__ import annotations

import html
import json

from dlie import markup

STATE_IDS = ["new", "reviewing", "mastered"]


def badges(b, slug: str, lang: str, overview: str) -> str:
    """Difficulty and tags of a question; tags link to the overview filtered by that tag."""
    g, meta, ui = b.glossary, b.metas[slug], b.ui[lang]
    level = (
        f'<span class="study-level">{ui["study"]["difficulty"]}{ui["colon"]}{g.levels[meta["difficulty"]][lang]}</span>'
    )
    tags = " ".join(
        f'<a class="study-tag" href="{overview}?tag={t}">{html.escape(g.tags[t][lang])}</a>' for t in meta["tags"]
    )
    return f"{level} {tags}"


def question_header(b, slug: str, lang: str) -> str:
    """Badges plus the study controls (hidden until the study script shows them)."""
    tr = b.ui[lang]["study"]
    states = "".join(
        f'<label><input type="radio" name="study-progress" value="{sid}"> {label}</label>'
        for sid, label in zip(STATE_IDS, tr["states"], strict=True)
    )
    labels = {k: tr[k] for k in ("reveal", "hide", "reveal_all", "storage")}
    controls = markup.study_controls(b.profiles[slug].seed, labels, tr["practice"], tr["progress"], states)
    header = f'<div class="study-meta">{badges(b, slug, lang, "../../study/")}</div>\n{controls}'
    return f"{markup.SEARCH_OFF}\n{header}\n{markup.SEARCH_ON}\n\n"  # interface, not content: not indexed


def answer_ids(b, lang: str) -> list[str]:
    """Heading ids of the sections practice mode hides: every section after the question."""
    return [markup.heading_id(h) for h in b.ui[lang]["sections"][1:]]


def overview_markdown(b, lang: str) -> str:
    g, metas, profiles, tr = b.glossary, b.metas, b.profiles, b.ui[lang]["study"]
    rows = []
    for slug in sorted(profiles, key=lambda s: profiles[s].seed):
        p, meta = profiles[slug], metas[slug]
        tags = " ".join(html.escape(g.tags[x][lang]) for x in meta["tags"])
        title = html.escape(p.titles[lang])
        rows.append(
            f'<tr data-q="{markup.qid(p.seed)}" data-level="{meta["difficulty"]}" data-tags="{" ".join(meta["tags"])}">'
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
    return markup.search_off(  # the questions' titles again, with interface: the questions are indexed
        f'<form class="study-filter" hidden><fieldset><legend>{tr["tags"]}</legend>{tag_boxes}</fieldset>'
        f"<fieldset><legend>{tr['difficulty']}</legend>{level_boxes}</fieldset></form>\n\n"
        f'<div class="study-table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>',
        block=True,
    )


def random_link(b, lang: str, prefix: str, urls: str) -> str:
    """A "random question" link: the study script picks one of ``urls``; without JavaScript it
    opens the first question of the study path."""
    first = f"{prefix}{b.order[0]}/"
    return f'<a class="study-random" href="{first}" data-urls=\'{urls}\'>{b.ui[lang]["study"]["random"]}</a>'


def path_markdown(b, lang: str) -> str:
    profiles, ui = b.profiles, b.ui[lang]
    tr = ui["study"]
    lines = []
    for n, (session, topics) in enumerate(b.sessions, 1):
        names = ui["sep"].join(b.glossary.concepts[c].names[lang] for c in topics)
        covers = tr["covers"].format(topics=html.escape(names))
        lines += [f"## {tr['session'].format(n=n)}", "", f'<p class="study-covers">{covers}</p>', ""]
        for slug in session:
            p = profiles[slug]
            pre = sorted(b.prereqs[slug], key=lambda s: profiles[s].seed)
            after = ""
            if pre:
                numbers = ui["sep"].join(str(profiles[s].seed) for s in pre)
                after = tr["builds_on_paren"].format(label=tr["builds_on"], numbers=numbers)
            lines.append(f"1. [{p.seed}. {p.titles[lang]}](../questions/{slug}.md){after}")
        lines.append("")
    return markup.search_off("\n".join(lines), block=True)  # lists of the questions' titles


def summary_html(b, lang: str, study_url: str) -> str:
    tr, total = b.ui[lang]["study"], len(b.profiles)
    counts = " · ".join(
        f'{label} <b data-count="{sid}">0</b>'
        for sid, label in reversed(list(zip(STATE_IDS, tr["states"], strict=True)))
    )
    link = f' · <a href="{study_url}">{tr["see_all"]}</a>' if study_url else ""
    states = json.dumps(tr["states"], ensure_ascii=False)
    return f'<p class="study-summary" hidden data-total="{total}" data-states=\'{states}\'>{counts}{link}</p>'


# The messages the study script shows on the overview, and the ids import accepts: the build
# knows every question, so the script hard-codes neither.
TOOLS_MESSAGES = (
    *("confirm", "reset_nothing", "reset_done", "export_empty", "exported", "imported", "import_cancelled"),
    *("import_summary", "import_date", "import_replace_note", "import_failed", "list_sep", "storage"),
    *("err_empty_file", "err_too_large", "err_not_json", "err_not_progress", "err_newer_version"),
    *("err_bad_types", "err_no_entries", "err_unknown_ids", "err_unknown_states", "err_unreadable"),
)


def tools_html(b, lang: str) -> str:
    """Reset, export and import of progress, a live region for their messages, and the dialog
    that shows what an import will do (merge, replace or cancel) before it does it."""
    tr = b.ui[lang]["study"]
    ids = [markup.qid(p.seed) for p in sorted(b.profiles.values(), key=lambda p: p.seed)]
    data = f'data-ids="{markup.json_attr(ids)}" data-site="{html.escape(b.site_url)}" '
    data += f'data-messages="{markup.json_attr({k: tr[k] for k in TOOLS_MESSAGES})}"'
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
        f"{markup.STUDY_STATUS}{dialog}</div>"
    )


def fill_markers(b, markdown: str, lang: str, depth: int) -> str:
    """Replace the study markers of a page at ``depth`` folders below the language root."""
    up = "../" * depth
    urls = json.dumps([f"{up}questions/{s}/" for s in sorted(b.profiles)])

    def off(html):  # progress and tools are interface: not indexed
        return markup.search_off(html, block=True)

    return (
        markdown.replace(markup.STUDY_SUMMARY_MARKER, off(summary_html(b, lang, f"{up}study/")))
        .replace(markup.STUDY_TOOLS_MARKER, off(tools_html(b, lang)))
        .replace(markup.STUDY_RANDOM_MARKER, off(random_link(b, lang, f"{up}questions/", urls)))
    )


def page_markdown(b, markdown: str, page) -> str:
    lang, uri = b.lang_of(page), page.file.src_uri
    depth = page.url.count("/") - (1 if b.langs.of_url(page.url) != b.langs.default else 0)  # folders below the root
    markdown = fill_markers(b, markdown, lang, depth)
    if uri.startswith(markup.STUDY_OVERVIEW_SRC):
        return markup.fill_marker(markdown, markup.STUDY_OVERVIEW_MARKER, overview_markdown(b, lang), uri)
    if uri.startswith(markup.STUDY_PATH_SRC):
        return markup.fill_marker(markdown, markup.STUDY_PATH_MARKER, path_markdown(b, lang), uri)
    if b.is_question(page) and b.slug_of(page) in b.metas:
        return question_header(b, b.slug_of(page), lang) + markdown
    return markdown


def post_page(b, output: str, page) -> str:
    if b.is_question(page):
        return markup.wrap_answers(output, answer_ids(b, b.lang_of(page)))
    return output

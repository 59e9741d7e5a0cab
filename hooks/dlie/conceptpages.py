"""The concept pages and blocks (the glossary made visible): the concept index page, each
question's "Concepts in this question" and "Related questions" blocks, the first-mention links
in its prose, and ``concepts.json`` for tools. Functions of a :class:`dlie.build.Build`."""

from __future__ import annotations

import hashlib

from dlie import conceptindex as ci
from dlie import markup


def _qlink(b, slug: str, lang: str, prefix: str) -> str:
    prof = b.profiles[slug]
    label = b.ui[lang]["concepts"]["question"].format(n=prof.seed)
    return f"[{label} · {prof.titles.get(lang, slug)}]({prefix}{slug}.md)"


def _clink(b, cid: str, lang: str, target: str) -> str:
    return f"[{b.glossary.concepts[cid].names[lang]}]({target}#{cid})"


def index_markdown(b, lang: str) -> str:
    """The generated body of the concept index page in one language."""
    g, use, ui = b.glossary, b.usage, b.ui[lang]
    L, sep, colon = ui["concepts"], ui["sep"], ui["colon"]
    others = [x for x in b.langs.codes if x != lang]
    groups = ci.group_concepts(g, lang, b.pinyin)
    # indexed for search: each concept's names, aliases and definition; its question lists
    # (titles indexed on the questions themselves) and the letter bar are not
    off = markup.search_off
    lines = [off(" · ".join(f"[{letter}](#letter-{letter.lower()})" for letter, _ in groups), block=True), ""]
    for letter, concepts in groups:
        lines += [f"## {letter} {{#letter-{letter.lower()}}}", ""]
        for c in concepts:
            lines += [f"### {c.names[lang]} {{#{c.id}}}", ""]
            shown = {c.names[x].casefold() for x in (lang, *others)}
            alias = []
            for t in c.terms(lang)[1:] + [t for x in others for t in c.terms(x)[1:]]:
                if t.casefold() not in shown:
                    shown.add(t.casefold())
                    alias.append(t)
            names = " · ".join(f"*{c.names[x]}*" for x in others if c.names[x] != c.names[lang]) or f"*{c.names[lang]}*"
            lines += [names + (f" · {L['aliases']}{colon}{sep.join(alias)}" if alias else ""), ""]
            lines += [c.definitions[lang], ""]
            u = use[c.id]
            uses = [
                f"- **{L['explained_in']}**{colon}"
                + (sep.join(_qlink(b, s, lang, "../questions/") for s in u["explained"]) or L["none"])
            ]
            if u["mentioned"]:
                uses.append(
                    f"- **{L['mentioned_in']}**{colon}"
                    + sep.join(_qlink(b, s, lang, "../questions/") for s in u["mentioned"])
                )
            if c.related:
                uses.append(
                    f"- **{L['related_concepts']}**{colon}" + sep.join(_clink(b, r, lang, "") for r in c.related)
                )
            lines += [off("\n".join(uses), block=True), ""]
    return "\n".join(lines)


def question_blocks(b, slug: str, lang: str) -> str:
    """The "Concepts in this question" and "Related questions" sections of one page."""
    prof, ui = b.profiles[slug], b.ui[lang]
    L, sep, colon = ui["concepts"], ui["sep"], ui["colon"]
    target = "../concepts/index.md"
    lines = ["", f"## {L['concepts']} {{#concepts}}", ""]
    lines.append(f"**{L['explained']}**{colon}" + sep.join(_clink(b, c, lang, target) for c in prof.primary))
    names = b.glossary.concepts
    mentioned = sorted(prof.mentions(), key=lambda c: ci.sort_key(names[c].names[lang], lang, b.pinyin))
    if mentioned:
        lines += ["", f"**{L['mentioned']}**{colon}" + sep.join(_clink(b, c, lang, target) for c in mentioned)]
    related = ci.rank_related(b.profiles, slug)
    if related:
        lines += ["", f"## {L['related']} {{#related}}", ""]
        for other, _score, shared in related:
            shared_names = sep.join(names[c].names[lang] for c in shared[:3])
            lines.append(
                f"- {_qlink(b, other, lang, '')}" + L["shared_paren"].format(label=L["shared"], names=shared_names)
            )
    # links to other pages, not this page's content: not indexed (the concepts the page explains
    # reach the index as its search keys, dlie.search.page_keys)
    return "\n" + markup.search_off("\n".join(lines), block=True)


def page_markdown(b, markdown: str, page) -> str:
    """The concept index body, or a question's concept blocks appended."""
    lang = b.lang_of(page)
    if markup.CONCEPTS_JSON_MARKER in markdown:
        from mkdocs.utils import get_relative_url

        link = f'<a href="{get_relative_url("concepts.json", page.url)}">concepts.json</a>'
        markdown = markdown.replace(markup.CONCEPTS_JSON_MARKER, link)
    if page.file.src_uri.startswith(markup.CONCEPT_INDEX_SRC):
        return markup.fill_marker(markdown, markup.CONCEPT_INDEX_MARKER, index_markdown(b, lang), page.file.src_uri)
    if b.is_question(page) and b.slug_of(page) in b.profiles:
        return markdown.rstrip() + "\n" + question_blocks(b, b.slug_of(page), lang)
    return markdown


def link_mentions(b, html: str, page, files) -> str:
    """A question page's HTML with the first prose mention of each concept linked to its entry."""
    from mkdocs.utils import get_relative_url

    if not b.is_question(page):
        return html
    index = next((f for f in files.documentation_pages() if f.src_uri.startswith(markup.CONCEPT_INDEX_SRC)), None)
    if index is None:
        return html
    lang, base = b.lang_of(page), get_relative_url(index.url, page.url)

    def compute(_key):
        out, _ = ci.link_first_mentions(html, b.matchers[lang], lambda cid: f"{base}#{cid}")
        return out

    return b.memo.get("links\t" + hashlib.sha1(f"{lang}\n{base}\n{html}".encode()).hexdigest(), compute)


def concepts_json(b) -> dict:
    g, use, profiles, langs = b.glossary, b.usage, b.profiles, b.langs

    def ref(slug):
        p = profiles[slug]
        return {
            "seed": p.seed,
            "slug": slug,
            "title": p.titles,
            "url": {lang: f"{langs.prefix(lang)}questions/{slug}/" for lang in langs.codes},
        }

    return {
        "version": 1,
        "index_url": {lang: f"{langs.prefix(lang)}concepts/" for lang in langs.codes},
        "concepts": {
            c.id: {
                "name": c.names,
                "aliases": c.aliases,
                "definition": c.definitions,
                "related": c.related,
                "requires": c.requires,
                "explained_in": [ref(s) for s in use[c.id]["explained"]],
                "mentioned_in": [ref(s) for s in use[c.id]["mentioned"]],
            }
            for c in g.concepts.values()
        },
    }

"""MkDocs hook: the concept cross-reference index (thin layer over ``conceptindex``).

* Before static-i18n splits the languages, every question page pair is scanned: primary
  concepts from front matter, mentions from prose (both languages).
* ``concepts/index.<lang>.md`` holds a marker that is replaced by the generated index.
* Every question page gets "Concepts in this question" and "Related questions" blocks, and
  the first prose mention of each concept links to its index entry.
* ``concepts.json`` (both languages) is written at the site root for tools.

Finding mentions (the glossary's matcher over every page's text) and pinyin sort keys are the
slow parts; their results are memoised in ``.cache/concepts/``, keyed by the input text, under
a signature of the glossary, the matching code and pypinyin's version.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from dlie import conceptindex as ci
from dlie import glossary, pageschema
from dlie.diskmemo import DiskMemo, project_cache
from i18nbuild import final_site_root

MARKER = "<!-- concept-index -->"
INDEX_SRC = "concepts/index"
LABELS = {
    "zh": {
        "concepts": "本题涉及的概念",
        "related": "相关题目",
        "explained": "主讲",
        "mentioned": "提及",
        "explained_in": "讲解它的题目",
        "mentioned_in": "提及它的题目",
        "related_concepts": "相关概念",
        "aliases": "别名",
        "question": "第 {n} 题",
        "shared": "共同概念",
        "sep": "、",
        "colon": "：",
        "none": "（暂无）",
    },
    "en": {
        "concepts": "Concepts in this question",
        "related": "Related questions",
        "explained": "Explained",
        "mentioned": "Mentioned",
        "explained_in": "Explained in",
        "mentioned_in": "Mentioned in",
        "related_concepts": "Related concepts",
        "aliases": "Also called",
        "question": "Question {n}",
        "shared": "shared",
        "sep": ", ",
        "colon": ": ",
        "none": "(none yet)",
    },
}

_state: dict = {}
_memo: DiskMemo | None = None


def memo_signature(glossary_text: str) -> str:
    code = Path(ci.__file__).read_bytes()
    return hashlib.sha1(glossary_text.encode() + code + version("pypinyin").encode()).hexdigest()


def memo_pinyin(name: str) -> str:
    return _memo.get(f"pinyin\t{name}", lambda _: ci.pinyin(name))


def memo_mentions(lang: str, prose: str) -> list[str]:
    def compute(_key):
        return json.dumps(sorted({cid for cid, _, _ in _state["matchers"][lang].find(prose)}))

    key = "scan\t" + hashlib.sha1(f"{lang}\n{prose}".encode()).hexdigest()
    return json.loads(_memo.get(key, compute))


def memo_links(html: str, lang: str, base: str) -> str:
    def compute(_key):
        out, _ = ci.link_first_mentions(html, _state["matchers"][lang], lambda cid: f"{base}#{cid}")
        return out

    return _memo.get("links\t" + hashlib.sha1(f"{lang}\n{base}\n{html}".encode()).hexdigest(), compute)


def page_lang(page) -> str:
    uri = page.file.src_uri
    return "en" if uri.endswith(".en.md") else "zh"


def is_question(page) -> bool:
    return page.file.src_uri.startswith("questions/") and page.meta.get("seed") is not None


@event_priority(80)
def on_files(files, config):
    docs = Path(config.docs_dir)
    sig = pageschema.docs_signature(docs)
    if _state.get("sig") == sig:
        return files  # the other language's build of the same sources: reuse the scan
    global _memo
    try:
        g = glossary.load_glossary(docs / "concepts.yml")
    except glossary.GlossaryError as e:
        raise PluginError(str(e)) from None
    path = project_cache(config, "concepts", "memo.json")
    signature = memo_signature((docs / "concepts.yml").read_text(encoding="utf-8"))
    _memo = DiskMemo.reuse(_memo, path, signature)
    _state["matchers"] = {lang: ci.build_matcher(g, lang) for lang in glossary.LANGS}
    profiles = ci.scan_pages_once(docs, g, sig, memo_mentions)
    use = ci.usage(profiles, g)
    if not _state.get("warned"):
        for cid in ci.unused_concepts(use):
            # a notice, not a build failure: a new glossary entry may precede its page
            print(f"WARNING (concepts) - concept '{cid}' in docs/concepts.yml is used by no page", file=sys.stderr)
    _state.update(
        sig=sig,
        glossary=g,
        profiles=profiles,
        usage=use,
        warned=True,
    )
    return files


def _qlink(slug: str, lang: str, prefix: str) -> str:
    prof = _state["profiles"][slug]
    label = LABELS[lang]["question"].format(n=prof.seed)
    return f"[{label} · {prof.titles.get(lang, slug)}]({prefix}{slug}.md)"


def _clink(cid: str, lang: str, target: str) -> str:
    return f"[{_state['glossary'].concepts[cid].names[lang]}]({target}#{cid})"


def index_markdown(lang: str) -> str:
    """The generated body of the concept index page in one language."""
    g, use, L = _state["glossary"], _state["usage"], LABELS[lang]
    other = "en" if lang == "zh" else "zh"
    groups = ci.group_concepts(g, lang, memo_pinyin)
    lines = [" · ".join(f"[{letter}](#letter-{letter.lower()})" for letter, _ in groups), ""]
    for letter, concepts in groups:
        lines += [f"## {letter} {{#letter-{letter.lower()}}}", ""]
        for c in concepts:
            lines += [f"### {c.names[lang]} {{#{c.id}}}", ""]
            shown = {c.names[lang].casefold(), c.names[other].casefold()}
            alias = []
            for t in c.terms(lang)[1:] + c.terms(other)[1:]:
                if t.casefold() not in shown:
                    shown.add(t.casefold())
                    alias.append(t)
            lines += [
                f"*{c.names[other]}*" + (f" · {L['aliases']}{L['colon']}{L['sep'].join(alias)}" if alias else ""),
                "",
            ]
            lines += [c.definitions[lang], ""]
            u = use[c.id]
            lines.append(
                f"- **{L['explained_in']}**{L['colon']}"
                + (L["sep"].join(_qlink(s, lang, "../questions/") for s in u["explained"]) or L["none"])
            )
            if u["mentioned"]:
                lines.append(
                    f"- **{L['mentioned_in']}**{L['colon']}"
                    + L["sep"].join(_qlink(s, lang, "../questions/") for s in u["mentioned"])
                )
            if c.related:
                lines.append(
                    f"- **{L['related_concepts']}**{L['colon']}" + L["sep"].join(_clink(r, lang, "") for r in c.related)
                )
            lines.append("")
    return "\n".join(lines)


def question_blocks(slug: str, lang: str) -> str:
    """The "Concepts in this question" and "Related questions" sections of one page."""
    prof, L = _state["profiles"][slug], LABELS[lang]
    target = "../concepts/index.md"
    lines = ["", f"## {L['concepts']} {{#concepts}}", ""]
    lines.append(f"**{L['explained']}**{L['colon']}" + L["sep"].join(_clink(c, lang, target) for c in prof.primary))
    mentioned = sorted(
        prof.mentions(), key=lambda c: ci.sort_key(_state["glossary"].concepts[c].names[lang], lang, memo_pinyin)
    )
    if mentioned:
        lines += ["", f"**{L['mentioned']}**{L['colon']}" + L["sep"].join(_clink(c, lang, target) for c in mentioned)]
    related = ci.rank_related(_state["profiles"], slug)
    if related:
        lines += ["", f"## {L['related']} {{#related}}", ""]
        names = _state["glossary"].concepts
        for other, _score, shared in related:
            shared_names = L["sep"].join(names[c].names[lang] for c in shared[:3])
            paren = f"（{L['shared']}：{shared_names}）" if lang == "zh" else f" ({L['shared']}: {shared_names})"
            lines.append(f"- {_qlink(other, lang, '')}{paren}")
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown, page, config, files):
    lang = page_lang(page)
    if page.file.src_uri.startswith(INDEX_SRC):
        if MARKER not in markdown:
            raise PluginError(f"{page.file.src_uri}: the concept index page must contain {MARKER}")
        return markdown.replace(MARKER, index_markdown(lang))
    if is_question(page):
        slug = Path(page.file.src_uri).name.rsplit(".", 2)[0]
        if slug in _state["profiles"]:
            return markdown.rstrip() + "\n" + question_blocks(slug, lang)
    return markdown


def on_page_content(html, page, config, files):
    if not is_question(page):
        return html
    lang = page_lang(page)
    index = next((f for f in files.documentation_pages() if f.src_uri.startswith(INDEX_SRC)), None)
    if index is None:
        return html
    base = get_relative_url(index.url, page.url)
    return memo_links(html, lang, base)


def concepts_json() -> dict:
    g, use, profiles = _state["glossary"], _state["usage"], _state["profiles"]

    def ref(slug):
        p = profiles[slug]
        return {
            "seed": p.seed,
            "slug": slug,
            "title": p.titles,
            "url": {"zh": f"questions/{slug}/", "en": f"en/questions/{slug}/"},
        }

    return {
        "version": 1,
        "index_url": {"zh": "concepts/", "en": "en/concepts/"},
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


@event_priority(-200)
def on_post_build(config):
    root = final_site_root(config)
    if root is None:
        return
    if _memo is not None:
        _memo.save()
    (root / "concepts.json").write_text(json.dumps(concepts_json(), ensure_ascii=False, indent=1), encoding="utf-8")

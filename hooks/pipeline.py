"""The build pipeline: the only MkDocs hook of the site (``hooks:`` in mkdocs.yml).

Every stage is a function of the ``dlie`` package; this file calls them, event by event, in the
order written here, and holds nothing but the state of the build in progress (``dlie.build.Build``,
created when a build starts and dropped when it ends). mkdocs-static-i18n builds the default
language, then, from that build's ``on_post_build`` (priority -100), each other language as a
nested build; work on the whole site happens once, after the last language.

Order of a build (R = reads, W = writes):

1. on_config        install the two memo patches (R .cache/pages, .cache/search; canaries first)
2. on_pre_build     a new Build when no language build is running (nesting depth 0)
3. on_files   @100  before static-i18n localises the file list (-100), so every language is seen:
                    every page in every language; UI tables, glossary, front matter, study order
                    read and checked once (R docs/); bad input fails here, before anything is built
4. on_nav           the questions section split into the glossary's parts (one section per part)
   on_env           theme templates compiled once (W .cache/jinja)
5. on_page_markdown question title "N. …"; generated bodies (concept index, study overview and
                    path, the layer calculator's element) and per-question blocks (concepts,
                    related, badges, study controls)
6. (MkDocs converts Markdown; the render memo answers for unchanged pages)
7. on_page_content  concept first-mention links (on prose, before formulas become markup) →
                    formulas rendered by KaTeX → figures drawn → title and TOC without raw TeX
                    (the TOC shows rendered formulas) → the print edition keeps the page → the
                    page as Material indexes it: interface, code and figure drawings swapped for
                    empty placeholders, formulas for their plain text
8. on_page_context  the print page is filled (every page's content exists by then)
9. on_post_page     placeholders restored → language fixes (head alternates, switcher links,
                    search scope) → answer sections wrapped for practice mode → KaTeX font
                    preloads → theme accessibility fixes
10. on_post_build @-200, after static-i18n: once, after the last language: patch Material's
                    built assets (its search worker too), install KaTeX assets, concepts.json,
                    per-language search indexes (search keys from the glossary, tags as labels)
                    and sitemaps, check figures agree across languages, save memos.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from importlib.metadata import version
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from dlie import (
    calcpages,
    conceptpages,
    i18npages,
    markup,
    mathrender,
    mathtext,
    navparts,
    printbook,
    rendercache,
    search,
    studypages,
    theme,
)
from dlie.build import Build, BuildError
from dlie.diskmemo import DiskMemo, patch_method
from dlie.figures import FigureError
from dlie.figures import pages as figurepages

_build: Build | None = None  # the build in progress (all languages), None between builds


def current() -> Build:
    if _build is None:
        raise PluginError("dl-interview-explained: a page event came before the build started")
    return _build


# 1 ------------------------------------------------------------------------------------------
def on_config(config):
    from material.plugins.search.plugin import SearchIndex
    from mkdocs.structure.pages import Page

    try:
        rendercache.canary()
        search.canary()
    except RuntimeError as e:
        raise PluginError(str(e)) from None
    # DLIE_NO_MEMO=pages,segments turns a memo patch off (make bench measures what each is worth)
    off = set(os.environ.get("DLIE_NO_MEMO", "").split(","))
    if "pages" not in off:
        patch_method(Page, "render", lambda original: rendercache.memoised_render(original, _pages_memo))
    if "segments" not in off:
        patch_method(SearchIndex, "_segment_chinese", lambda original: search.memoised_segment(original, _segments))
    return config


def _pages_memo():
    return _build.pages_memo if _build else None


def _segments():
    return _build.segments if _build else None


# 2 ------------------------------------------------------------------------------------------
def on_pre_build(config):
    global _build
    if _build is None or _build.depth == 0:
        _build = Build.start(config)
        b = _build
        signature = hashlib.sha1(rendercache.markdown_signature(config).encode()).hexdigest()
        b.pages_memo = DiskMemo(b.cache / "pages" / "render.json", signature)
        b.figure_memo = DiskMemo(b.cache / "figures" / "svg.json", "svg")
        b.figure_stats = figurepages.FigureStats()
    _build.depth += 1


# 3 ------------------------------------------------------------------------------------------
@event_priority(100)
def on_files(files, config):
    b = current()
    problems = i18npages.missing_translations([f.src_uri for f in files if f.src_uri.endswith(".md")], b.langs.codes)
    if problems:
        raise PluginError("Missing translations:\n  " + "\n  ".join(problems))
    try:
        b.scan()
    except BuildError as e:
        raise PluginError(str(e)) from None
    if b.segments is None:
        import jieba

        user_dict = search.jieba_user_dict(b.glossary)
        material = version("mkdocs-material")  # its segmentation code is what the memo stores
        signature = hashlib.sha1(f"{jieba.__version__}\n{material}\n{user_dict}".encode()).hexdigest()
        b.segments = (DiskMemo(b.cache / "search" / "jieba-segments.json", signature), user_dict)
    return files


# 4 ------------------------------------------------------------------------------------------
def on_nav(nav, config, files):
    b = current()
    lang = config.theme.get("language") or b.langs.default
    nav.items = navparts.split_questions(
        nav.items, b.glossary.parts, lang if lang in b.langs.codes else b.langs.default
    )
    return nav


def on_env(env, config, files):
    folder = current().cache / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


# 5 ------------------------------------------------------------------------------------------
def on_page_markdown(markdown, page, config, files):
    b = current()
    seed = page.meta.get("seed")
    if page.file.src_uri.startswith("questions/") and isinstance(seed, int):
        page.meta["title"] = f"{seed}. {page.meta['title']}"
    try:
        markdown = conceptpages.page_markdown(b, markdown, page)
        markdown = calcpages.page_markdown(b, markdown, page)
        return studypages.page_markdown(b, markdown, page)
    except markup.MarkupError as e:
        raise PluginError(str(e)) from None


# 7 ------------------------------------------------------------------------------------------
def on_page_content(html, page, config, files):
    b = current()
    lang = b.lang_of(page)
    html = conceptpages.link_mentions(b, html, page, files)
    html, count, errors = mathrender.render_html(html)
    if errors:
        details = "\n".join(f"  - {e.message}\n    formula: {e.tex}" for e in errors)
        raise PluginError(f"Invalid LaTeX in {page.file.src_uri} ({len(errors)} formula(s)):\n{details}")
    if count:
        for font, chars in mathrender.chars_by_font(html).items():
            b.formula_chars.setdefault(font, set()).update(chars)
    try:
        html = figurepages.place_figures(
            html, page.file.src_uri, lang, b.figure_memo, b.figure_stats, b.latin_names(lang), b.docs, b.langs.codes
        )
    except FigureError as e:
        raise PluginError(str(e)) from None
    mathtext.plain_titles(page, html)
    if b.is_question(page):
        title = str(page.meta.get("title", ""))
        b.print_pages.setdefault(lang, {})[page.url] = (page.meta["seed"], title, page.url, html)
    html, b.deferred[page.file.src_uri] = search.index_view(html)
    return html


# 8 ------------------------------------------------------------------------------------------
def on_page_context(context, page, config, nav):
    b = current()
    if page.file.src_uri.startswith(markup.PRINT_SRC) and markup.PRINT_MARKER in page.content:
        lang = b.lang_of(page)
        pages = b.print_pages.get(lang, {})
        titles = [(p.first, p.labels[lang]) for p in b.glossary.parts] if len(b.glossary.parts) > 1 else []
        page.content = page.content.replace(markup.PRINT_MARKER, printbook.assemble(pages, page.url, titles))
    return context


# 9 ------------------------------------------------------------------------------------------
def on_post_page(output, page, config):
    b = current()
    fragments = b.deferred.pop(page.file.src_uri, None)
    if fragments:
        output = search.restore(output, fragments)
    output = i18npages.post_page(output, page.url, b.langs)
    output = studypages.post_page(b, output, page)
    if markup.has_math(output):
        output = mathrender.add_font_preloads(output)
    return theme.fix_html(output, b.ui_of(page)["search_label"])


# 10 -----------------------------------------------------------------------------------------
@event_priority(-200)
def on_post_build(config):
    global _build
    b = current()
    b.depth -= 1
    if b.depth > 0:
        return  # a nested language build: the whole-site work waits for the last one
    root = Path(config.site_dir)
    root = root if (root / "sitemap.xml").exists() else root.parent  # static-i18n leaves the last language's folder
    try:
        gaps = figurepages.language_gaps(b.figure_stats.placed, b.langs.codes)
        if gaps:
            raise PluginError("Figures differ between languages:\n  " + "\n  ".join(gaps))
        try:
            theme.patch_assets(root)
            search.patch_worker(root)
        except (theme.ThemePatchError, search.WorkerPatchError) as e:
            raise PluginError(str(e)) from None
        mathrender.install_assets(root, b.formula_chars)
        mathrender.append_css(root / "assets" / "stylesheets" / "extra.css")
        (root / "concepts.json").write_text(
            json.dumps(conceptpages.concepts_json(b), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        for lang in b.langs.others:
            if (root / lang).is_dir():
                shutil.copyfile(root / "sitemap.xml", root / lang / "sitemap.xml")
        merged = root / "search" / "search_index.json"
        if merged.exists():
            extras = {lang: search.index_extras(b, lang) for lang in b.langs.codes}
            parts = search.split_index(json.loads(merged.read_text(encoding="utf-8")), b.langs, extras)
            for lang, index in parts.items():
                dest = root / b.langs.prefix(lang) / "search" / "search_index.json"
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    finally:
        for memo in (b.pages_memo, b.memo, b.figure_memo, b.segments and b.segments[0]):
            if memo is not None:
                memo.save()
        mathrender.renderer().save()
        _build = None


def on_build_error(error):
    global _build
    mathrender.renderer().save()
    _build = None  # the next build starts afresh

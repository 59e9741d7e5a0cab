"""Memoised Markdown conversion: a page's ``Page.render`` (HTML, table of contents, title,
anchors and links to other pages' anchors) is kept in ``.cache/pages``, keyed by the page's
Markdown (after the ``on_page_markdown`` stages), its place, every file's URL (relative links
are resolved against them), the Markdown settings and library versions. A conversion that
logged anything (a broken link, say) is never stored, so a warning comes back on every build
and ``--strict`` keeps failing; pages that include snippets are not cached (their source is
elsewhere). Measured value: see ``make bench`` (warm build with and without it).

It is a patch of MkDocs (``Page.render``) that restores one private attribute,
``Page._title_from_render``: :func:`canary` checks on every build that MkDocs still has it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from importlib.metadata import version

ADDRESS_RE = re.compile(r" at 0x[0-9a-f]+")


def stable_repr(value) -> str:
    """A repr that is the same in every process: functions by name, partials by their parts."""
    if isinstance(value, functools.partial):
        return f"partial({stable_repr(value.func)}, {value.args!r}, {sorted(value.keywords.items())!r})"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return ADDRESS_RE.sub("", repr(value))


def markdown_signature(config) -> str:
    """Everything besides the page that a Markdown conversion depends on."""
    settings = [
        [stable_repr(e) for e in config["markdown_extensions"]],
        config["mdx_configs"],
        config["validation"],
        config["use_directory_urls"],
        [f"{lib} {version(lib)}" for lib in ("mkdocs", "markdown", "pymdown-extensions", "pygments")],
    ]
    return json.dumps(settings, sort_keys=True, ensure_ascii=False, default=stable_repr)


def files_signature(files) -> str:
    """Where every file lands: relative links in a page are resolved against this."""
    rows = sorted(f"{f.src_uri}\t{f.dest_uri}\t{f.url}" for f in files)
    return hashlib.sha1("\n".join(rows).encode()).hexdigest()


def render_key(markdown: str, src_uri: str, url: str, files_sig: str) -> str:
    return hashlib.sha1(json.dumps([markdown, src_uri, url, files_sig], ensure_ascii=False).encode()).hexdigest()


def toc_tokens(items) -> list[dict]:
    """MkDocs' table of contents back to the token form ``get_toc`` builds it from."""
    return [{"level": a.level, "id": a.id, "name": a.title, "children": toc_tokens(a.children)} for a in items]


def snapshot(page) -> str:
    """What ``Page.render`` leaves on a page, as JSON."""
    links = {f.src_uri: anchors for f, anchors in (page.links_to_anchors or {}).items()}
    return json.dumps(
        {
            "content": page.content,
            "toc": toc_tokens(page.toc),
            "title": page._title_from_render,
            # a formula such as \sum_{i<j} reads as a tag to MkDocs' anchor scan: "id" without value
            "anchors": sorted(a for a in page.present_anchor_ids or () if a is not None),
            "links": links if page.links_to_anchors is not None else None,
        },
        ensure_ascii=False,
    )


def restore(page, data: str, files) -> None:
    from mkdocs.structure.toc import get_toc

    d = json.loads(data)
    page.content = d["content"]
    page.toc = get_toc(d["toc"])
    page._title_from_render = d["title"]
    page.present_anchor_ids = set(d["anchors"])
    if d["links"] is not None:
        page.links_to_anchors = {files.get_file_from_path(src): a for src, a in d["links"].items()}


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = 0

    def emit(self, record):
        self.records += 1


def memoised_render(original, memo_of):
    """``Page.render`` answered from the memo ``memo_of()`` returns (the current build's; None:
    no memo, render as usual)."""
    last_files: list = [None, ""]  # (Files, its signature): one per language build

    def render(self, config, files):
        _pages = memo_of()
        if _pages is None or "--8<--" in self.markdown:
            return original(self, config, files)
        if last_files[0] is not files:
            last_files[:] = [files, files_signature(files)]
        key = render_key(self.markdown, self.file.src_uri, self.file.url, last_files[1])
        hit = _pages.lookup(key)
        if hit is not None:
            restore(self, hit, files)
            return None
        recorder = _Recorder()
        loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
        for logger in loggers:
            logger.addHandler(recorder)
        try:
            original(self, config, files)
        finally:
            for logger in loggers:
                logger.removeHandler(recorder)
        if recorder.records == 0:
            _pages.store(key, snapshot(self))
        return None

    return render


class PatchError(RuntimeError):
    """A patched library changed: the build fails instead of caching something incomplete."""


def canary() -> None:
    """Raise PatchError unless ``Page.render(self, config, files)`` still sets exactly what
    :func:`snapshot` keeps (MkDocs 1.6)."""
    import inspect

    from mkdocs.structure.pages import Page

    original = getattr(Page.render, "__wrapped__", Page.render)
    params = list(inspect.signature(original).parameters)
    source = inspect.getsource(original)
    missing = [
        name
        for name in ("_title_from_render", "present_anchor_ids", "links_to_anchors", "toc", "content")
        if name not in source
    ]
    if params != ["self", "config", "files"] or missing:
        raise PatchError(f"mkdocs Page.render changed (parameters {params}, no {missing}): update dlie.rendercache")

"""MkDocs hook: refuse bad content before anything is built.

Every page's front matter must parse; question pages must follow the schema in
``pageschema`` with ids from the glossary (``glossary``), identical in both languages.
Question titles are shown with their seed number ("5. ..."), in the page and the nav.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from dlie import glossary, pageschema

GLOSSARY = "concepts.yml"


_checked: dict = {}


@event_priority(90)
def on_files(files, config):
    docs = Path(config.docs_dir)
    sig = pageschema.docs_signature(docs)
    if _checked.get("sig") == sig:
        return files  # the other language's build of the same sources
    try:
        g = glossary.load_glossary(docs / GLOSSARY)
    except glossary.GlossaryError as e:
        raise PluginError(str(e)) from None
    problems = pageschema.check_docs(docs, set(g.concepts), set(g.tags), set(g.levels))
    if problems:
        raise PluginError("Invalid front matter:\n  " + "\n  ".join(problems))
    _checked["sig"] = sig
    return files


def on_page_markdown(markdown, page, config, files):
    seed = page.meta.get("seed")
    if page.file.src_uri.startswith("questions/") and isinstance(seed, int):
        page.meta["title"] = f"{seed}. {page.meta['title']}"
    return markdown

"""MkDocs hook: caches for deterministic library work that dominates a rebuild.

* Jinja: the theme's templates are compiled to bytecode once and kept in ``.cache/jinja``
  (static-i18n builds every language with a fresh environment, which recompiles them all).
* Code highlighting: pymdownx.highlight's Pygments output is memoised by its settings, the
  source and the block's options, in ``.cache/highlight``.

Both caches are keyed by content and library versions, so a stale entry is never used.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version

from jinja2 import FileSystemBytecodeCache
from mkdocs.plugins import event_priority

from diskmemo import DiskMemo, patch_method, project_cache

_memo: DiskMemo | None = None


def highlight_key(settings: dict, args: tuple, kwargs: dict) -> str:
    """Everything a highlighted block depends on, as one string (the Markdown instance aside)."""
    plain = {k: v for k, v in settings.items() if k != "md"}
    return json.dumps([plain, args, kwargs], sort_keys=True, ensure_ascii=False, default=repr)


def on_config(config):
    global _memo
    from pymdownx.highlight import Highlight

    signature = f"pygments {version('pygments')} pymdownx {version('pymdown-extensions')}"
    path = project_cache(config, "highlight", "blocks.json")
    if _memo is None or _memo.signature != signature or _memo.path != path:
        _memo = DiskMemo(path, signature)

    def memoised(original):
        def highlight(self, *args, **kwargs):
            if self.title_mode == "html":  # stores the title in the page's htmlStash: not cacheable
                return original(self, *args, **kwargs)
            key = hashlib.sha1(highlight_key(vars(self), args, kwargs).encode()).hexdigest()
            return _memo.get(key, lambda _: original(self, *args, **kwargs))

        return highlight

    patch_method(Highlight, "highlight", memoised)
    return config


def on_env(env, config, files):
    folder = project_cache(config, "jinja")
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


@event_priority(-200)
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if _memo is not None and not (i18n is not None and getattr(i18n, "building", False)):
        _memo.save()

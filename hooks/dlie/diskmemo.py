"""A small on-disk memo for deterministic, slow build steps (Markdown conversion, search
entries, jieba segmentation, Pygments highlighting, concept links): a rebuild only recomputes
what changed. Lives in ``.cache/``."""

from __future__ import annotations

import json
from pathlib import Path


def project_cache(config, *parts: str) -> Path:
    """``.cache/<parts>`` next to the project's docs/ directory."""
    return Path(config.docs_dir).parent.joinpath(".cache", *parts)


def patch_method(owner, name: str, make_wrapper) -> None:
    """Replace ``owner.name`` with ``make_wrapper(original)``. Idempotent across rebuilds
    (``mkdocs serve`` runs on_config again): the original is kept in ``__wrapped__``."""
    current = getattr(owner, name)
    original = getattr(current, "__wrapped__", current)
    wrapper = make_wrapper(original)
    wrapper.__wrapped__ = original
    setattr(owner, name, wrapper)


class DiskMemo:
    """A string -> string memo kept in one JSON file between builds.

    ``signature`` names everything the values depend on besides the key (library versions,
    settings); a file written under another signature is ignored. Only entries used by the
    latest build are saved, so the file tracks the site instead of growing. A damaged file is
    ignored (rebuilt), never an error."""

    def __init__(self, path: Path, signature: str):
        self.path, self.signature = path, signature
        self.entries: dict[str, str] = {}
        self.used: set[str] = set()
        self.misses = 0
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("signature") == signature:
                self.entries = data["entries"]
        except (OSError, ValueError, KeyError):
            pass

    @classmethod
    def reuse(cls, memo: DiskMemo | None, path: Path, signature: str) -> DiskMemo:
        """``memo`` if it is the one for ``path`` and ``signature`` (``mkdocs serve`` rebuilds
        keep it in memory), else that memo read from disk."""
        if memo is not None and memo.path == path and memo.signature == signature:
            return memo
        return cls(path, signature)

    def lookup(self, key: str) -> str | None:
        """The stored value (marked as used by this build), or None."""
        hit = self.entries.get(key)
        if hit is not None:
            self.used.add(key)
        return hit

    def store(self, key: str, value: str) -> None:
        self.entries[key] = value
        self.used.add(key)

    def get(self, key: str, compute) -> str:
        """The stored value, or ``compute(key)`` stored."""
        hit = self.lookup(key)
        if hit is None:
            self.misses += 1
            hit = compute(key)
            self.store(key, hit)
        return hit

    def save(self) -> None:
        if not self.used:
            return
        keep = {t: self.entries[t] for t in sorted(self.used)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"signature": self.signature, "entries": keep}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)
        self.used = set()

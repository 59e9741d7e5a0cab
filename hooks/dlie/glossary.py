"""The concept glossary (docs/concepts.yml): loading and validation (pure functions).

Shared by the concept-index hook, the content checks, the tests and the question scaffolder.
File layout::

    levels:   {basic: {zh: 基础, en: Basic}, ...}        # question difficulty labels
    tags:     {cnn: {zh: 卷积网络, en: CNNs}, ...}        # question topic tags
    parts:    {foundations: {first: 1, zh: …, en: …}, ...} # optional: the question list's parts
    concepts:
      - id: batch-normalization                          # permanent kebab-case id
        zh: {name: 批归一化, aliases: [BN, 批量归一化], definition: 一句话定义。}
        en: {name: batch normalization, aliases: [BN, BatchNorm], definition: One sentence.}
        related: [layer-normalization]                    # other concept ids
        requires: [vanishing-exploding-gradients]         # optional: prerequisites

An alias names exactly the concept, not a neighbour or a consequence of it. Optional ``not``
lists (per language) record the terms that are *not* aliases although readers and circulated
answers use them so (平移不变性 under translation-equivariance): an alias listed there is an
error, and the concept matcher never links them (dlie.conceptindex).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

LANGS = ("zh", "en")  # the default; the build passes the languages of its configuration
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class GlossaryError(ValueError):
    """Invalid glossary; the message names the file and the offending id."""


@dataclass
class Concept:
    id: str
    names: dict[str, str]
    aliases: dict[str, list[str]]
    definitions: dict[str, str]
    related: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    not_terms: dict[str, list[str]] = field(default_factory=dict)  # lang -> terms that are not aliases

    def terms(self, lang: str) -> list[str]:
        """Name and aliases in one language, name first, without duplicates."""
        out = []
        for t in [self.names[lang], *self.aliases[lang]]:
            if t.casefold() not in {x.casefold() for x in out}:
                out.append(t)
        return out


@dataclass(frozen=True)
class Part:
    """A part of the question list: questions ``first`` up to the next part's first."""

    id: str
    first: int
    labels: dict[str, str]


@dataclass
class Glossary:
    concepts: dict[str, Concept]
    tags: dict[str, dict[str, str]]
    levels: dict[str, dict[str, str]]
    parts: list[Part] = field(default_factory=list)  # in order; empty: one unnamed part


def _labels(raw, what: str, path: str, langs=LANGS) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict) or not raw:
        raise GlossaryError(f"{path}: '{what}' must be a non-empty mapping of id -> {{zh, en}}")
    out = {}
    for key, val in raw.items():
        if not isinstance(key, str) or not ID_RE.match(key):
            raise GlossaryError(f"{path}: {what} id {key!r} is not kebab-case")
        if not isinstance(val, dict) or any(
            not isinstance(val.get(lang), str) or not val[lang].strip() for lang in langs
        ):
            raise GlossaryError(f"{path}: {what} '{key}' needs a label in each of {', '.join(langs)}")
        out[key] = {lang: val[lang].strip() for lang in langs}
    return out


def parse_glossary(data, path: str = "docs/concepts.yml", langs=LANGS) -> Glossary:
    """Validate raw YAML data; raises GlossaryError naming the file and the id."""
    if not isinstance(data, dict):
        raise GlossaryError(f"{path}: expected a mapping with 'concepts', 'tags' and 'levels'")
    unknown = set(data) - {"concepts", "tags", "levels", "parts"}
    if unknown:
        raise GlossaryError(f"{path}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    tags = _labels(data.get("tags"), "tags", path, langs)
    levels = _labels(data.get("levels"), "levels", path, langs)
    raw = data.get("concepts")
    if not isinstance(raw, list) or not raw:
        raise GlossaryError(f"{path}: 'concepts' must be a non-empty list")
    concepts: dict[str, Concept] = {}
    alias_owner: dict[tuple[str, str], str] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "id" not in item:
            raise GlossaryError(f"{path}: concept #{i + 1} has no 'id'")
        cid = item["id"]
        if not isinstance(cid, str) or not ID_RE.match(cid):
            raise GlossaryError(f"{path}: concept id {cid!r} is not kebab-case")
        if cid in concepts:
            raise GlossaryError(f"{path}: duplicate concept id '{cid}'")
        extra = set(item) - {"id", "related", "requires", *langs}
        if extra:
            raise GlossaryError(f"{path}: concept '{cid}' has unknown key(s): {', '.join(sorted(extra))}")
        names, aliases, defs, nots = {}, {}, {}, {}
        for lang in langs:
            entry = item.get(lang)
            if not isinstance(entry, dict):
                raise GlossaryError(f"{path}: concept '{cid}' lacks its '{lang}' entry")
            name, definition = entry.get("name"), entry.get("definition")
            if not isinstance(name, str) or not name.strip():
                raise GlossaryError(f"{path}: concept '{cid}' lacks a name in '{lang}'")
            if not isinstance(definition, str) or not definition.strip():
                raise GlossaryError(f"{path}: concept '{cid}' lacks a definition in '{lang}'")
            al = entry.get("aliases") or []
            if not isinstance(al, list) or not all(isinstance(a, str) and a.strip() for a in al):
                raise GlossaryError(f"{path}: concept '{cid}' has invalid aliases in '{lang}'")
            nt = entry.get("not") or []
            if not isinstance(nt, list) or not all(isinstance(a, str) and a.strip() for a in nt):
                raise GlossaryError(f"{path}: concept '{cid}' has an invalid 'not' list in '{lang}'")
            names[lang], defs[lang] = name.strip(), definition.strip()
            aliases[lang] = [a.strip() for a in al]
            nots[lang] = [a.strip() for a in nt]
        concept = Concept(
            cid, names, aliases, defs, list(item.get("related") or []), list(item.get("requires") or []), nots
        )
        for lang in langs:
            wrong = {t.casefold() for t in nots[lang]} & {t.casefold() for t in concept.terms(lang)}
            if wrong:
                raise GlossaryError(
                    f"{path}: concept '{cid}' lists {', '.join(sorted(wrong))} ({lang}) as an alias and under "
                    "'not': an alias must name exactly the concept"
                )
        for lang in langs:
            for term in concept.terms(lang):
                key = (lang, term.casefold())
                owner = alias_owner.get(key)
                if owner is not None and owner != cid:
                    raise GlossaryError(f"{path}: alias '{term}' ({lang}) is claimed by both '{owner}' and '{cid}'")
                alias_owner[key] = cid
        concepts[cid] = concept
    for c in concepts.values():
        for key in ("related", "requires"):
            for other in getattr(c, key):
                if other not in concepts:
                    raise GlossaryError(f"{path}: concept '{c.id}' lists unknown {key} id '{other}'")
                if other == c.id:
                    raise GlossaryError(f"{path}: concept '{c.id}' lists itself in '{key}'")
    return Glossary(concepts, tags, levels, _parts(data.get("parts"), path, langs))


def _parts(raw, path: str, langs) -> list[Part]:
    """Parts in order of their first question; the first part starts at question 1."""
    if raw is None:
        return []
    firsts = {}
    if isinstance(raw, dict):
        for key, val in raw.items():
            first = val.get("first") if isinstance(val, dict) else None
            if not isinstance(first, int) or isinstance(first, bool) or first < 1:
                raise GlossaryError(f"{path}: part '{key}' needs 'first', the number of its first question")
            firsts[key] = first
    labels = _labels({k: {x: y for x, y in v.items() if x != "first"} for k, v in raw.items()}, "parts", path, langs)
    parts = sorted((Part(k, firsts[k], labels[k]) for k in labels), key=lambda p: p.first)
    if parts[0].first != 1:
        raise GlossaryError(f"{path}: the first part must start at question 1, not {parts[0].first}")
    for a, b in zip(parts, parts[1:], strict=False):
        if a.first == b.first:
            raise GlossaryError(f"{path}: parts '{a.id}' and '{b.id}' both start at question {a.first}")
    return parts


def load_glossary(path: str | Path, langs=LANGS) -> Glossary:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise GlossaryError(f"{path}: not valid YAML: {e}") from None
    return parse_glossary(data, str(path), tuple(langs))

"""The question list in parts (``parts:`` of docs/concepts.yml): the navigation's questions
section becomes one section per part, titled in the page's language (pure functions over
MkDocs' navigation objects; ``hooks/pipeline.py`` calls :func:`split_questions` in ``on_nav``)."""

from __future__ import annotations

from mkdocs.structure.nav import Section

from dlie.glossary import Part
from dlie.pageschema import QUESTION_RE


def part_of(number: int, parts: list[Part]) -> Part | None:
    """The part a question number belongs to (None when the site has no parts)."""
    found = None
    for part in parts:
        if number >= part.first:
            found = part
    return found


def question_number(item) -> int | None:
    """A navigation item's question number, None for anything but a question page."""
    file = getattr(item, "file", None)
    m = QUESTION_RE.match(file.src_uri) if file is not None else None
    return int(m.group("num")) if m else None


def split_questions(items: list, parts: list[Part], lang: str) -> list:
    """Navigation items with the section of question pages replaced by one section per part
    (in the parts' order, empty parts left out). Items are returned unchanged when the site has
    fewer than two parts or no section holds only question pages."""
    if len(parts) < 2:
        return items
    out = []
    for item in items:
        children = getattr(item, "children", None) if getattr(item, "is_section", False) else None
        numbers = [question_number(c) for c in children or []]
        if not numbers or None in numbers:
            out.append(item)
            continue
        groups: dict[str, list] = {}
        for child, n in zip(children, numbers, strict=True):
            groups.setdefault(part_of(n, parts).id, []).append(child)
        for part in parts:
            if part.id in groups:
                section = Section(part.labels[lang], groups[part.id])
                section.parent = item.parent
                for child in groups[part.id]:
                    child.parent = section
                out.append(section)
    return out

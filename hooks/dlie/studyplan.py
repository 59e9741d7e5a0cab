"""Study path: order the questions so that each comes after the questions whose concepts it
builds on, derived from the glossary's ``requires`` data (pure functions).

* ``concept_cycle`` finds a cycle in ``requires`` (the build fails naming it).
* ``question_prerequisites``: question Q builds on question P when a primary concept of Q
  requires a concept that P owns (P lists it earliest among its primary concepts).
* ``study_order`` orders the questions topologically by prerequisite depth (depth 0 builds
  on nothing; depth k needs something of depth k-1), lower numbers first; ``study_sessions``
  cuts that order into a few sessions of study.
"""

from __future__ import annotations

from dlie import glossary as glossary_mod
from dlie.conceptindex import PageProfile


class StudyPlanError(ValueError):
    pass


def concept_cycle(g: glossary_mod.Glossary) -> list[str] | None:
    """A cycle in the concepts' ``requires`` graph, as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(cid: str) -> list[str] | None:
        state[cid] = 1
        stack.append(cid)
        for dep in g.concepts[cid].requires:
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[cid] = 2
        return None

    for cid in sorted(g.concepts):
        if cid not in state:
            found = visit(cid)
            if found:
                return found
    return None


def owners(profiles: dict[str, PageProfile]) -> dict[str, str]:
    """concept id -> the question that explains it best: the one listing it earliest among its
    primary concepts (its main topic first), then the lowest number."""
    best: dict[str, tuple[int, int, str]] = {}
    for p in profiles.values():
        for rank, cid in enumerate(p.primary):
            key = (rank, p.seed, p.slug)
            if cid not in best or key < best[cid]:
                best[cid] = key
    return {cid: key[2] for cid, key in best.items()}


def question_prerequisites(profiles: dict[str, PageProfile], g: glossary_mod.Glossary) -> dict[str, set[str]]:
    own = owners(profiles)
    pre: dict[str, set[str]] = {}
    for p in profiles.values():
        deps = set()
        for cid in p.primary:
            for req in g.concepts[cid].requires if cid in g.concepts else ():
                owner = own.get(req)
                if owner and owner != p.slug and req not in p.primary:
                    deps.add(owner)
        pre[p.slug] = deps
    return pre


def study_order(profiles: dict[str, PageProfile], g: glossary_mod.Glossary) -> list[str]:
    """All questions, each after its prerequisites: by prerequisite depth, then number.
    Raises StudyPlanError naming a cycle."""
    pre = question_prerequisites(profiles, g)
    seed = {s: p.seed for s, p in profiles.items()}
    depth: dict[str, int] = {}
    visiting: list[str] = []

    def d(slug: str) -> int:
        if slug in depth:
            return depth[slug]
        if slug in visiting:
            cycle = visiting[visiting.index(slug) :] + [slug]
            raise StudyPlanError("questions build on each other in a cycle: " + " -> ".join(cycle))
        visiting.append(slug)
        depth[slug] = 1 + max((d(x) for x in pre[slug]), default=-1)
        visiting.pop()
        return depth[slug]

    for slug in sorted(profiles, key=seed.get):
        d(slug)
    return sorted(profiles, key=lambda s: (depth[s], seed[s]))


def study_sessions(order: list[str], size: int = 6) -> list[list[str]]:
    """Cut the order into sessions of about ``size`` questions (any cut keeps the order valid)."""
    n = max(1, round(len(order) / size))
    bounds = [round(i * len(order) / n) for i in range(n + 1)]
    return [order[bounds[i] : bounds[i + 1]] for i in range(n)]

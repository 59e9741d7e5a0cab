"""Study path: the questions in the order a teacher would take them, cut into sessions, from the
glossary's ``requires`` data and the questions' difficulty and primary concepts (pure functions).

* ``concept_cycle`` finds a cycle in ``requires`` (the build fails naming it).
* ``owners``: for each concept, the question a reader is sent to for it.
* ``question_prerequisites``: which questions each question builds on;
  ``direct_prerequisites`` keeps those not implied by others, for display.
* ``study_order``: a topological order in which the next question is always one of the
  easiest (basic, then intermediate, then advanced, in the glossary's ``levels`` order) whose
  prerequisites are all placed; among those it goes on with the current topic, else starts
  the topic closest to what has been read.
* ``study_sessions`` cuts the order into sessions of 4 to 7 questions at the weakest topical
  links; ``session_topics`` names what a session covers from its questions' concepts.
* ``read_questions`` and ``study_path`` are what the build does with ``docs/`` (profiles and front
  matter, then order, sessions, topics and direct prerequisites); ``plan_from_docs`` does both
  for code outside the build (the study path figure).

Nothing is special about question 1. The path opens with the easiest question that builds on
no other, the one the most questions build on (directly or transitively). Today that is
question 1, and it is the only one building on no other: every concept of the glossary
requires, in the end, deep learning and representation learning, which it owns.

Topic closeness (``Plan.similarity``) is the Jaccard index of two questions' concept
neighbourhoods: their primary concepts with the concepts those list as ``related`` or
``requires``. Two questions are on one topic when it reaches ``TOPIC`` (a fifth shared).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from dlie import conceptindex as ci
from dlie import glossary as glossary_mod
from dlie import pageschema
from dlie.conceptindex import PageProfile

TOPIC = 0.2
SESSION_SIZES = (4, 7)


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


def background(g: glossary_mod.Glossary, cids) -> set[str]:
    """The concepts ``cids`` and every concept they require, directly or transitively."""
    seen: set[str] = set()
    todo = [c for c in cids if c in g.concepts]
    while todo:
        cid = todo.pop()
        if cid not in seen:
            seen.add(cid)
            todo += g.concepts[cid].requires
    return seen


@dataclass
class Plan:
    """The questions (concept profiles and difficulty ids, by slug) and the glossary."""

    profiles: dict[str, PageProfile]
    glossary: glossary_mod.Glossary
    difficulty: dict[str, str]  # slug -> a key of glossary.levels

    def level(self, slug: str) -> int:
        """0 for the easiest level of the glossary's ``levels``, 1 for the next, ..."""
        return list(self.glossary.levels).index(self.difficulty[slug])

    def seed(self, slug: str) -> int:
        return self.profiles[slug].seed

    def need(self, slug: str) -> int:
        """How much background a question needs: its primary concepts' ``requires`` closure."""
        return len(background(self.glossary, self.profiles[slug].primary))

    @cached_property
    def neighbourhoods(self) -> dict[str, set[str]]:
        """slug -> its primary concepts with the concepts they list as related or required."""
        g, out = self.glossary, {}
        for slug, p in self.profiles.items():
            near = set(p.primary)
            for cid in p.primary:
                if cid in g.concepts:
                    near |= set(g.concepts[cid].related) | set(g.concepts[cid].requires)
            out[slug] = near
        return out

    def similarity(self, a: str, b: str) -> float:
        """Jaccard index of the two questions' concept neighbourhoods (0 to 1)."""
        na, nb = self.neighbourhoods[a], self.neighbourhoods[b]
        return len(na & nb) / len(na | nb) if na | nb else 0.0

    @cached_property
    def prerequisites(self) -> dict[str, set[str]]:
        """``question_prerequisites`` of this plan, computed once."""
        return question_prerequisites(self)


def owners(plan: Plan) -> dict[str, str]:
    """concept id -> the question a reader is sent to for it, among those listing it as a
    primary concept: the easiest, then the one needing the least background (the fewest
    concepts in the ``requires`` closure of its primary concepts), then the one where it comes
    earliest among the primary concepts (its main topic), then the lowest number."""
    best: dict[str, tuple] = {}
    for p in plan.profiles.values():
        need = plan.need(p.slug)
        for rank, cid in enumerate(p.primary):
            key = (plan.level(p.slug), need, rank, p.seed, p.slug)
            if cid not in best or key < best[cid]:
                best[cid] = key
    return {cid: key[-1] for cid, key in best.items()}


def _cycle(pre: dict[str, set[str]], start: str, seed) -> list[str] | None:
    """A path start -> ... -> start through ``pre``, or None."""
    path: list[str] = []
    seen: set[str] = set()

    def visit(slug: str) -> bool:
        path.append(slug)
        for dep in sorted(pre[slug], key=seed):
            if dep == start:
                return True
            if dep not in seen:
                seen.add(dep)
                if visit(dep):
                    return True
        path.pop()
        return False

    return path + [start] if visit(start) else None


def question_prerequisites(plan: Plan) -> dict[str, set[str]]:
    """slug -> the questions it builds on.

    * Needed: a primary concept of Q requires a concept (directly, or through concepts Q
      explains itself, or through concepts no question explains) that another question P
      owns; P must come first. A cycle of these raises StudyPlanError naming the questions.
    * Revisited: Q lists a concept that P owns (Q comes back to what P teaches); P comes
      first too, unless that would close a cycle (then the link is dropped)."""
    own, g = owners(plan), plan.glossary
    seed = plan.seed
    pre: dict[str, set[str]] = {}
    for p in plan.profiles.values():
        mine, deps, seen = set(p.primary), set(), set()
        todo = [r for cid in p.primary if cid in g.concepts for r in g.concepts[cid].requires]
        while todo:
            req = todo.pop()
            if req in seen:
                continue
            seen.add(req)
            if req in mine or req not in own:  # the question explains it, or nobody does
                todo += g.concepts[req].requires
            else:
                deps.add(own[req])
        pre[p.slug] = deps
    for slug in sorted(pre, key=seed):
        if (cycle := _cycle(pre, slug, seed)) is not None:
            raise StudyPlanError("questions build on each other in a cycle: " + " -> ".join(cycle))
    for p in sorted(plan.profiles.values(), key=lambda p: p.seed):
        for cid in p.primary:
            other = own.get(cid, p.slug)
            if other != p.slug and other not in pre[p.slug]:
                pre[p.slug].add(other)
                if _cycle(pre, p.slug, seed) is not None:
                    pre[p.slug].discard(other)
    return pre


def dependents(pre: dict[str, set[str]]) -> dict[str, set[str]]:
    """slug -> every question that builds on it, directly or transitively."""
    out: dict[str, set[str]] = {s: set() for s in pre}
    for slug in pre:
        todo = list(pre[slug])
        while todo:
            dep = todo.pop()
            if slug not in out[dep]:
                out[dep].add(slug)
                todo += pre[dep]
    return out


def direct_prerequisites(pre: dict[str, set[str]]) -> dict[str, set[str]]:
    """The prerequisites not implied by another prerequisite (the transitive reduction)."""
    below = {s: set() for s in pre}  # s -> everything s builds on, transitively
    for slug in pre:
        todo = list(pre[slug])
        while todo:
            dep = todo.pop()
            if dep not in below[slug]:
                below[slug].add(dep)
                todo += pre[dep]
    return {s: {d for d in deps if not any(d in below[o] for o in deps if o != d)} for s, deps in pre.items()}


def study_order(plan: Plan) -> list[str]:
    """All questions, each after its prerequisites. At every step the candidates are the
    questions of the easiest level among those whose prerequisites are all placed.

    * If a candidate reaches ``TOPIC`` similarity with a question of the current topic (the
      questions placed since the topic began), the topic goes on with the candidate closest
      to the topic as a whole (mean similarity to its questions).
    * Otherwise a new topic begins with the candidate closest to any question placed so far
      (picking up a topic left unfinished).

    Ties go to the question the most questions build on (directly or transitively), then to
    the one needing the least background, then to the lowest number; so the path opens with
    the easiest question that builds on no other and that the most questions build on.
    Raises StudyPlanError naming a cycle."""
    pre = plan.prerequisites
    reach = {s: len(d) for s, d in dependents(pre).items()}
    order: list[str] = []
    placed: set[str] = set()
    topic: list[str] = []

    def closeness(slug: str, group: list[str]) -> float:
        return max((plan.similarity(slug, x) for x in group), default=0.0)

    while len(order) < len(pre):
        ready = [s for s in pre if s not in placed and pre[s] <= placed]
        easiest = min(plan.level(s) for s in ready)
        ready = [s for s in ready if plan.level(s) == easiest]
        near = {s: closeness(s, topic) for s in ready}
        same = [s for s in ready if near[s] >= TOPIC]
        if same:
            mean = {s: sum(plan.similarity(s, x) for x in topic) / len(topic) for s in same}
            nxt = min(same, key=lambda s: (-mean[s], -reach[s], plan.need(s), plan.seed(s)))
        else:
            topic = []
            near = {s: closeness(s, order) for s in ready}
            nxt = min(ready, key=lambda s: (-near[s], -reach[s], plan.need(s), plan.seed(s)))
        topic.append(nxt)
        order.append(nxt)
        placed.add(nxt)
    return order


def links(order: list[str], plan: Plan) -> list[float]:
    """How strongly each question ties to the two before it at the same level (0 for the
    first): where this is weak, a session can end."""
    out = []
    for i, slug in enumerate(order):
        prev = [p for p in order[max(0, i - 2) : i] if plan.level(p) == plan.level(slug)]
        out.append(max((plan.similarity(slug, p) for p in prev), default=0.0))
    return out


def study_sessions(order: list[str], plan: Plan, sizes: tuple[int, int] = SESSION_SIZES) -> list[list[str]]:
    """Cut the order into sessions of ``sizes[0]`` to ``sizes[1]`` questions (any cut keeps the
    order valid). The cuts minimise the sum of (link - ``TOPIC``) over the questions that open
    a session, so sessions end where the path changes topic or level; among equal cuts,
    sessions closer to the middle size win. Fewer questions than the smallest size: one
    session."""
    lo, hi = sizes
    n, strength = len(order), links(order, plan)
    mid = (lo + hi) / 2
    best: list[tuple[float, float] | None] = [(0.0, 0.0)] + [None] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for size in range(lo, hi + 1):
            start = end - size
            if start < 0 or best[start] is None:
                continue
            cost, spread = best[start]
            cand = (cost + (strength[start] - TOPIC if start else 0.0), spread + (size - mid) ** 2)
            if best[end] is None or cand < best[end]:
                best[end], back[end] = cand, start
    if best[n] is None:  # too few questions for the sizes
        return [list(order)] if order else []
    out, end = [], n
    while end:
        out.append(order[back[end] : end])
        end = back[end]
    return out[::-1]


def session_topics(sessions: list[list[str]], plan: Plan, count: int = 3) -> list[list[str]]:
    """What each session covers, as concept ids: every primary concept of its questions scores
    1 / (1 + its position in that question's primary concepts), summed over the session; the
    ``count`` best (ties: the one met first) that no earlier session already names, in the
    order the session meets them."""
    named: set[str] = set()
    out = []
    for session in sessions:
        score: dict[str, float] = {}
        met: dict[str, int] = {}
        for slug in session:
            for rank, cid in enumerate(plan.profiles[slug].primary):
                score[cid] = score.get(cid, 0.0) + 1 / (1 + rank)
                met.setdefault(cid, len(met))
        best = sorted((c for c in score if c not in named), key=lambda c: (-score[c], met[c]))[:count]
        named.update(best)
        out.append(sorted(best, key=met.get))
    return out


@dataclass(frozen=True)
class StudyPath:
    """The study path of a plan: what the path page lists (and the figure draws)."""

    plan: Plan
    order: list[str]  # every question, each after its prerequisites
    sessions: list[list[str]]  # the order cut into sessions
    topics: list[list[str]]  # concept ids each session covers
    prereqs: dict[str, set[str]]  # slug -> its direct prerequisites (those shown)


def study_path(plan: Plan) -> StudyPath:
    """Order, sessions, their topics and the direct prerequisites. Raises StudyPlanError."""
    order = study_order(plan)
    sessions = study_sessions(order, plan)
    return StudyPath(plan, order, sessions, session_topics(sessions, plan), direct_prerequisites(plan.prerequisites))


def read_questions(
    docs: Path, g: glossary_mod.Glossary, langs=glossary_mod.LANGS, mentions=None
) -> tuple[dict[str, PageProfile], dict[str, dict]]:
    """Every question's concept profile (``conceptindex.scan_pages``, with ``mentions``) and the
    front matter of its page in ``langs[0]`` (the default language), keyed by slug."""
    profiles = ci.scan_pages(docs, g, mentions, langs)
    metas = {}
    for slug in profiles:
        path = docs / "questions" / f"{slug}.{langs[0]}.md"
        metas[slug], _ = pageschema.read_front_matter(path.read_text(encoding="utf-8"))
    return profiles, metas


def plan_of(profiles: dict[str, PageProfile], g: glossary_mod.Glossary, metas: dict[str, dict]) -> Plan:
    return Plan(profiles, g, {slug: meta["difficulty"] for slug, meta in metas.items()})


def plan_from_docs(docs: Path, langs=glossary_mod.LANGS) -> StudyPath:
    """The study path of the content in ``docs`` (glossary ``concepts.yml`` and the questions'
    front matter), as the build computes it. The profiles carry no mentions (the plan does not
    use them; finding them is the slow part of a scan). Raises GlossaryError, StudyPlanError."""
    g = glossary_mod.load_glossary(Path(docs) / "concepts.yml", langs)
    profiles, metas = read_questions(Path(docs), g, langs, mentions=lambda lang, prose: ())
    return study_path(plan_of(profiles, g, metas))

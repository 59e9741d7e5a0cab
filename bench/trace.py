"""Where a page's main-thread time goes on a mobile profile: records Chromium traces with
Lighthouse 12.2.3's mobile settings and attributes the renderer main thread's time (self time
of each trace event) to style, layout, HTML and CSS parsing, script by file, paint and the rest.
Figures only; nothing here passes or fails.

  python bench/trace.py [--site DIR] [--runs N] [--throttling devtools|simulate] [PAGE ...]

PAGE is a path of the built site (default: questions/06-stride-padding/). With ``simulate``
throttling (the default: what ``make bench`` scores with) the trace is recorded unthrottled and
times are multiplied by Lighthouse's mobile CPU slowdown (4x), as its simulation does; with
``devtools`` the slowdown and network throttling are applied for real while recording. Times
are the main thread's CPU time (``--clock cpu``, the default: what the page costs, whatever
else a shared machine is running; x4) or wall time (``--clock wall``, what Lighthouse counts,
which a busy machine inflates). Prints the median of the runs per category, the style and
layout passes (elements restyled, objects laid out, who forced them) and the long tasks; writes
bench/results/trace-<page>.json. ``--trace FILE`` attributes a saved trace.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

from dlie.chromium import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "bench" / "results"
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CPU_SLOWDOWN = 4  # Lighthouse's mobile preset

# trace event name -> category (self time); names not listed count as "other"
CATEGORIES = {
    "style": {"UpdateLayoutTree", "RecalculateStyles", "ScheduleStyleRecalculation", "InvalidateLayout"},
    "layout": {"Layout", "UpdateLayerTree"},
    "parse HTML": {"ParseHTML"},
    "parse CSS": {"ParseAuthorStyleSheet"},
    "script compile": {
        "v8.compile",
        "v8.compileModule",
        "V8.CompileCode",
        "v8.produceCache",
        "v8.deserializeOnBackground",
    },
    "paint/composite": {
        "Paint",
        "PrePaint",
        "Layerize",
        "Commit",
        "UpdateLayer",
        "PaintImage",
        "Decode Image",
        "HitTest",
    },
    "GC": {"MinorGC", "MajorGC", "V8.GCScavenger", "V8.GC_SCAVENGER", "BlinkGC.AtomicPhase", "V8.GCFinalizeMC"},
    "fonts": {"BeginRemoteFontLoad", "FontCache::GetFontData"},
}
SCRIPT_EVENTS = {
    "EvaluateScript",
    "FunctionCall",
    "v8.run",
    "v8.callFunction",
    "v8.newInstance",
    "TimerFire",
    "EventDispatch",
    "RunMicrotasks",
    "XHRReadyStateChange",
    "FireAnimationFrame",
    "V8.BytecodeBudgetInterrupt",
    "V8.StackGuard",
    "V8.HandleInterrupts",
    "V8.BytecodeBudgetInterruptWithStackCheck",
}
CATEGORY_OF = {name: cat for cat, names in CATEGORIES.items() for name in names}


def category(name: str) -> str:
    if name in CATEGORY_OF:
        return CATEGORY_OF[name]
    if name.startswith("V8.GC"):
        return "GC"
    if name in SCRIPT_EVENTS:
        return "script"
    return "other"


def short(url: str, page_url: str) -> str:
    if url == page_url:
        return "(the page's inline scripts)"
    return url.rsplit("/", 1)[-1] or url


def main_thread(events: list[dict], page_url: str) -> tuple[tuple[int, int], float]:
    """(pid, tid) of the renderer main thread that loaded ``page_url``, and its navigation start."""
    names = {
        (e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"
    }
    for e in events:
        data = (e.get("args") or {}).get("data") or {}
        if e.get("name") == "navigationStart" and data.get("documentLoaderURL") == page_url:
            key = (e["pid"], e["tid"])
            if names.get(key) == "CrRendererMain":
                return key, e["ts"]
    raise SystemExit(f"no navigation to {page_url} in the trace")


def attribute(events: list[dict], page_url: str, multiplier: float = 1.0, clock: str = "tdur") -> dict:
    """Self time (ms, times ``multiplier``) of the main thread's events after navigation start,
    on ``clock``: "tdur" (the thread's CPU time: what the page costs, whatever else the machine
    is running) or "dur" (wall time, what Lighthouse counts):
    by category, script time by file (including style and layout that script forced), the style
    and layout passes, and the long tasks (> 50 ms after the multiplier)."""
    key, nav = main_thread(events, page_url)
    fcp = min((e["ts"] for e in events if e.get("name") == "firstContentfulPaint" and e["pid"] == key[0]), default=nav)
    xs = [e for e in events if (e["pid"], e["tid"]) == key and e.get("ph") == "X" and e["ts"] >= nav and "dur" in e]
    xs.sort(key=lambda e: (e["ts"], -e["dur"]))
    by_cat: dict[str, float] = defaultdict(float)
    by_file: dict[str, float] = defaultdict(float)
    other: dict[str, float] = defaultdict(float)
    passes, tasks = [], []
    stack: list[dict] = []  # open events, with "_child" (summed child durations) and "_url"
    task: dict | None = None

    def close(e):
        self_ms = max(0, e["_t"] - e["_child"]) / 1000 * multiplier
        cat = category(e["name"])
        by_cat[cat] += self_ms
        if cat == "other":
            other[e["name"]] += self_ms
        if e["_url"] and cat != "other":
            by_file[short(e["_url"], page_url)] += self_ms
        if task is not None:
            task["cats"][cat] = task["cats"].get(cat, 0.0) + self_ms

    for e in xs:
        while stack and e["ts"] >= stack[-1]["ts"] + stack[-1]["dur"]:
            close(stack.pop())
        if not stack:
            if task is not None:
                tasks.append(task)
            task = {
                "start_ms": round((e["ts"] - nav) / 1000, 1),
                "ms": e.get(clock, 0) / 1000 * multiplier,
                "after_fcp": e["ts"] >= fcp,
                "cats": {},
            }
        args = e.get("args") or {}
        data = args.get("data") or args.get("beginData") or {}
        url = data.get("url") if e["name"] in SCRIPT_EVENTS or e["name"] in CATEGORIES["script compile"] else None
        e = {**e, "_t": e.get(clock, 0), "_child": 0, "_url": url or (stack[-1]["_url"] if stack else None)}
        if stack:
            stack[-1]["_child"] += e["_t"]
        if e["name"] in ("UpdateLayoutTree", "Layout"):
            by = short(e["_url"], page_url) if e["_url"] else "rendering (frame)"
            count = args.get("elementCount") if e["name"] == "UpdateLayoutTree" else data.get("dirtyObjects")
            passes.append(
                {
                    "at_ms": round((e["ts"] - nav) / 1000, 1),
                    "what": "style" if e["name"] == "UpdateLayoutTree" else "layout",
                    "ms": round(e["_t"] / 1000 * multiplier, 1),
                    "count": count,
                    "by": by,
                }
            )
        stack.append(e)
    while stack:
        close(stack.pop())
    if task is not None:
        tasks.append(task)
    long_tasks = [
        {
            "start_ms": t["start_ms"],
            "ms": round(t["ms"], 1),
            "after_fcp": t["after_fcp"],
            **{k: round(v, 1) for k, v in sorted(t["cats"].items(), key=lambda kv: -kv[1]) if v >= 1},
        }
        for t in tasks
        if t["ms"] > 50
    ]
    total = sum(by_cat.values())
    return {
        "total_ms": round(total, 1),
        "by_category": {k: round(v, 1) for k, v in sorted(by_cat.items(), key=lambda kv: -kv[1])},
        "script_by_file": {k: round(v, 1) for k, v in sorted(by_file.items(), key=lambda kv: -kv[1])},
        "other_by_event": {k: round(v, 1) for k, v in sorted(other.items(), key=lambda kv: -kv[1])[:8]},
        "style_layout_passes": [p for p in passes if p["ms"] >= 1],
        "long_tasks": long_tasks,
        "blocking_ms": round(sum(t["ms"] - 50 for t in tasks if t["ms"] > 50), 1),
        # what Lighthouse's TBT counts, roughly: long-task excess from first contentful paint on
        "blocking_after_fcp_ms": round(sum(t["ms"] - 50 for t in tasks if t["ms"] > 50 and t["after_fcp"]), 1),
        "fcp_ms": round((fcp - nav) / 1000, 1),
    }


def record(url: str, throttling: str, out: Path) -> tuple[list[dict], dict]:
    """One Lighthouse mobile run of ``url`` with its trace saved; (trace events, report)."""
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT / "bench", check=True)
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out / 'lh.json'}",
        "--save-assets",
        f"--chrome-flags={flags}",
        "--only-categories=performance",
        f"--throttling-method={throttling}",
    ]
    env = {"CHROME_PATH": chromium_path(), "PATH": "/usr/bin:/bin"}
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    trace = json.loads((out / "lh-0.trace.json").read_text(encoding="utf-8"))
    report = json.loads((out / "lh.json").read_text(encoding="utf-8"))
    return trace["traceEvents"], report


def median_of(runs: list[dict], key: str) -> dict:
    names = {k for r in runs for k in r[key]}
    return {
        k: round(statistics.median(r[key].get(k, 0.0) for r in runs), 1)
        for k in sorted(names, key=lambda k: -statistics.median(r[key].get(k, 0.0) for r in runs))
    }


def summarise(runs: list[dict]) -> dict:
    return {
        "runs": len(runs),
        "total_ms": round(statistics.median(r["total_ms"] for r in runs), 1),
        "blocking_ms": round(statistics.median(r["blocking_ms"] for r in runs), 1),
        "blocking_after_fcp_ms": round(statistics.median(r["blocking_after_fcp_ms"] for r in runs), 1),
        "by_category": median_of(runs, "by_category"),
        "script_by_file": median_of(runs, "script_by_file"),
        "other_by_event": median_of(runs, "other_by_event"),
        "example_run": {k: runs[0][k] for k in ("style_layout_passes", "long_tasks")},
        "lighthouse": [r.get("lighthouse") for r in runs],
    }


def show(title: str, s: dict) -> None:
    print(
        f"\n{title}: main thread {s['total_ms']} ms; sum of (task - 50 ms): {s['blocking_ms']} ms, "
        f"from first contentful paint on {s['blocking_after_fcp_ms']} ms; median of {s['runs']}"
    )
    for k, v in s["by_category"].items():
        print(f"  {k:24s} {v:8.1f} ms")
    print("  script by file (including style/layout it forced):")
    for k, v in s["script_by_file"].items():
        print(f"    {k:40s} {v:8.1f} ms")
    print("  other, by trace event (RunTask: work inside a task that no traced event covers):")
    for k, v in list(s["other_by_event"].items())[:6]:
        print(f"    {k:40s} {v:8.1f} ms")
    print("  style and layout passes (first run): at ms, what, ms, elements or objects, forced by")
    for p in s["example_run"]["style_layout_passes"]:
        print(f"    {p['at_ms']:8.1f} {p['what']:6s} {p['ms']:7.1f} {p['count']!s:>6} {p['by']}")
    print("  long tasks (first run):")
    for t in s["example_run"]["long_tasks"]:
        rest = ", ".join(f"{k} {v}" for k, v in t.items() if k not in ("start_ms", "ms", "after_fcp"))
        print(f"    at {t['start_ms']:8.1f}: {t['ms']:7.1f} ms ({rest})")
    for lh in s["lighthouse"]:
        if lh:
            print(f"  lighthouse: {lh}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", default=["questions/06-stride-padding/"])
    ap.add_argument("--site", type=Path, default=ROOT / "site")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--throttling", choices=["devtools", "simulate"], default="simulate")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    ap.add_argument("--trace", type=Path, help="attribute a saved trace (its page URL is the first PAGE)")
    ap.add_argument("--keep", type=Path, help="keep each run's trace in this folder")
    args = ap.parse_args()
    # CPU time leaves out devtools throttling's pauses as well as other processes: x4 either way
    clock = "tdur" if args.clock == "cpu" else "dur"
    multiplier = CPU_SLOWDOWN if args.throttling == "simulate" or clock == "tdur" else 1
    if args.trace:
        t = json.loads(args.trace.read_text(encoding="utf-8"))
        events = t["traceEvents"] if isinstance(t, dict) else t
        show(str(args.trace), summarise([attribute(events, args.pages[0], multiplier, clock)]))
        return
    from dlie.siteserver import SiteServer

    RESULTS.mkdir(parents=True, exist_ok=True)
    with SiteServer(args.site) as base, tempfile.TemporaryDirectory() as tmp:
        runs: dict[str, list[dict]] = defaultdict(list)
        for _ in range(args.runs):  # interleaved: a busy moment does not hit one page's runs only
            for page in args.pages:
                events, report = record(base + page, args.throttling, Path(tmp))
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    name = page.strip("/").replace("/", "_") or "home"
                    n = len(runs[page])
                    (args.keep / f"{name}-{n}.trace.json").write_text(
                        json.dumps({"traceEvents": events}), encoding="utf-8"
                    )
                run = attribute(events, base + page, multiplier, clock)
                a = report["audits"]
                run["lighthouse"] = {
                    "performance": round(100 * report["categories"]["performance"]["score"]),
                    "lcp_ms": round(a["largest-contentful-paint"]["numericValue"]),
                    "tbt_ms": round(a["total-blocking-time"]["numericValue"]),
                }
                runs[page].append(run)
    for page in args.pages:
        s = summarise(runs[page])
        s["throttling"], s["clock"] = args.throttling, args.clock
        show(f"/{page} ({args.throttling} throttling, {args.clock} time x{multiplier})", s)
        name = page.strip("/").replace("/", "_") or "home"
        (RESULTS / f"trace-{name}.json").write_text(json.dumps(s, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""The benchmark's pure parts: per-page medians over Lighthouse runs and issue #19's targets."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("bench", Path(__file__).parent.parent / "bench" / "bench.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def run(perf, tbt, fcp, **extra):
    return {
        "failed_audits": extra.get("failed_audits", []),
        "performance": perf,
        "accessibility": 100,
        "best-practices": 100,
        "seo": 100,
        "lcp_ms": 2000,
        "tbt_ms": tbt,
        "cls": 0.0,
        "benchmark_index": 3200,
        "observed_fcp_ms": fcp,
    }


def test_medians_keep_each_run_and_drop_failed_ones():
    results = {
        ("/questions/13-attention/", "mobile"): [
            run(88, 358, 1284),
            {"error": "no paint"},
            run(99, 69, 233),
            run(88, 346, 1271, failed_audits=["target-size"]),
        ]
    }
    (row,) = bench.medians(results)
    assert row["failed_runs"] == 1
    assert row["performance_runs"] == [88, 99, 88]
    assert row["tbt_runs"] == [358, 69, 346]
    assert row["fcp_runs"] == [1284, 233, 1271]
    assert row["tbt_ms"] == 346 and row["performance"] == 88
    assert row["failed_audits"] == ["target-size"]


def test_targets_name_what_is_not_met():
    rows = bench.medians(
        {
            ("/questions/13-attention/", "mobile"): [run(88, 346, 1271)],
            ("/questions/13-attention/", "desktop"): [run(100, 0, 300)],
            ("/en/questions/13-attention/", "mobile"): [run(98, 80, 240)],
            ("reference: /zh/06-stride-padding/", "mobile"): [run(50, 900, 240)],  # not a question page
        }
    )
    summary = bench.targets_summary(rows)
    assert summary["question_pages"] == 2
    assert summary["mobile_tbt_ms_max"] == 346
    assert summary["met"]["mobile TBT <= 200 ms"] is False
    assert summary["met"]["mobile performance >= 90"] is False
    assert summary["met"]["desktop performance >= 98"] is True

"""How long the body-map figures take to build, and how big they are on the wire.

Targets: the results figure built in under 30 ms, its JSON under 300 KB. Baseline measured
in the same run: an empty ``go.Figure()`` built and serialised (what any Plotly chart
costs before it draws anything). Times are for a warm process (geometry loaded once, as
in the app). The target is checked on the best batch (the least disturbed by other
processes, as timeit advises); medians are reported too. Figures are printed and written
to bench/results/bodymap.json.

    .venv/bin/python bench/bench_bodymap.py [--calls N] [--repeats R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402

from nervetriage.bodymap import build_results_figure  # noqa: E402
from nervetriage.content import load_content  # noqa: E402
from nervetriage.models import Answers  # noqa: E402
from nervetriage.scoring import assess  # noqa: E402
from nervetriage.selection_map import chosen_styles, static_payload  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_MS = 30.0
TARGET_KB = 300.0


def heavy_answers() -> Answers:
    """Every region on both sides and every site: the most the maps can be asked to draw."""
    content = load_content()
    return Answers.model_validate(
        {
            "regions": [{"region": r.id, "side": side, "intensity": 7} for r in content.regions for side in ("left", "right")],
            "sites": [{"site": s.id, "stiffness": True, "pain": True} for s in content.sites],
            "sign5": {"sitting": True},
        }
    )


def typical_answers() -> Answers:
    return Answers.model_validate(
        {
            "regions": [
                {"region": "outer_shin", "side": "left", "intensity": 6},
                {"region": "top_of_foot", "side": "left", "intensity": 4},
            ],
            "sites": [{"site": "low_back", "pain": True}],
        }
    )


def per_call_ms(func: Any, calls: int, repeats: int) -> dict[str, float]:
    batches = timeit.Timer(func).repeat(repeat=repeats, number=calls)
    per_call = [b / calls * 1e3 for b in batches]
    return {"median_ms": round(statistics.median(per_call), 3), "best_ms": round(min(per_call), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    static_payload()  # load and compile the geometry once, as the app does (the tappable map's figure)
    cold_ms = (time.perf_counter() - started) * 1e3

    cases = {"typical": typical_answers(), "heavy": heavy_answers()}
    assessments = {name: assess(a) for name, a in cases.items()}
    results: dict[str, Any] = {}
    results["baseline_empty_figure"] = per_call_ms(lambda: go.Figure().to_json(), args.calls, args.repeats)
    baseline = results["baseline_empty_figure"]["median_ms"]
    for name, answers in cases.items():
        asmt = assessments[name]
        for label, build in (
            (f"results_{name}", lambda a=answers, s=asmt: build_results_figure(a, s, cached=False)),
            (f"results_{name}_dermatomes", lambda a=answers, s=asmt: build_results_figure(a, s, dermatomes=True, cached=False)),
        ):
            timing = per_call_ms(build, args.calls, args.repeats)
            size_kb = len(build().to_json().encode()) / 1024
            timing.update(
                json_kb=round(size_kb, 1),
                ratio_to_baseline=round(timing["median_ms"] / baseline, 1),
            )
            results[label] = timing
        # what the tappable map costs a rerun: only what is chosen is built and sent (its
        # figure and areas are built once per process and sent once per session)
        timing = per_call_ms(lambda a=answers: chosen_styles(a), args.calls, args.repeats)
        timing.update(json_kb=round(len(json.dumps(chosen_styles(answers)).encode()) / 1024, 1),
                      ratio_to_baseline=round(timing["median_ms"] / baseline, 1))
        results[f"selection_{name}_chosen"] = timing
    static_kb = len(json.dumps(static_payload()[1]).encode()) / 1024

    worst_results_ms = max(v["best_ms"] for k, v in results.items() if k.startswith("results_"))
    worst_results_kb = max(v["json_kb"] for k, v in results.items() if k.startswith("results_"))
    summary = {
        "benchmark": "bodymap",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "calls": args.calls,
        "repeats": args.repeats,
        "geometry_first_build_ms": round(cold_ms, 1),
        "selection_static_payload_kb": round(static_kb, 1),
        "results": results,
        "targets": {"results_build_ms": TARGET_MS, "results_json_kb": TARGET_KB},
        "worst_results_build_ms": worst_results_ms,
        "worst_results_json_kb": worst_results_kb,
        "meets_targets": worst_results_ms < TARGET_MS and worst_results_kb < TARGET_KB,
    }
    print(f"first build (geometry load + compile): {cold_ms:.1f} ms")
    print(f"baseline empty figure + to_json: median {baseline:.3f} ms")
    print(f"tappable map's figure and areas (sent once per session): {static_kb:.1f} KB")
    for label, row in results.items():
        if label == "baseline_empty_figure":
            continue
        print(f"{label:28s} median {row['median_ms']:7.2f} ms, best {row['best_ms']:7.2f} ms "
              f"(x{row['ratio_to_baseline']:5.1f} baseline)  {row['json_kb']:7.1f} KB")
    print(f"results figure: worst best-batch {worst_results_ms:.2f} ms (target < {TARGET_MS:.0f}), "
          f"worst {worst_results_kb:.1f} KB (target < {TARGET_KB:.0f})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bodymap.json").write_text(json.dumps(summary, indent=2) + "\n")
    if not summary["meets_targets"]:
        sys.exit("the results figure misses its targets")


if __name__ == "__main__":
    main()

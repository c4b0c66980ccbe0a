"""How long ``assess()`` takes per call, against baselines measured in the same run.

Target: well under 1 ms a call, so every widget change can re-score instantly. Each
case is timed in batches of calls, by this process's CPU time (the headline: immune to
other processes on a shared machine) and by the wall clock (kept beside it). The
median batch is reported, and the best. The baselines are
``Answers.model_validate`` of the same answers dict (what any way in already pays) and a
trivial function call (the floor of the timer). Figures are printed and written to
bench/results/assess.json.

    .venv/bin/python bench/bench_assess.py [--calls N] [--repeats R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nervetriage.content import load_content  # noqa: E402
from nervetriage.examples import load_examples, read_example_file  # noqa: E402
from nervetriage.models import Answers  # noqa: E402
from nervetriage.scoring import assess  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def heavy_answers() -> dict[str, Any]:
    """Every region on both sides and every sign filled: the most work assess() can get."""
    content = load_content()
    return {
        "regions": [{"region": r.id, "side": side, "intensity": 7} for r in content.regions for side in ("left", "right")],
        "sites": [{"site": s.id, "stiffness": True, "pain": True} for s in content.sites],
        "sign1": {"treatments": {"rest": "helped", "ice": "no_change", "massage": "worse"}, "returns_when_running": True},
        "sign2": {"qualities": ["tingling", "numbness", "burning", "dull_ache"]},
        "sign3": {"variability": 8, "same_run_differs": True, "moves_around": True, "warms_up_pattern": False},
        "sign4": {"self_press": "cannot_find", "therapist_press": "found_reproduces"},
        "sign5": {"sitting": True, "lying": True, "night": True, "rest_intensity": 6},
        "sign6": {"imaging": ["mri", "xray"], "result": "normal"},
        "neck_changes_legs": "yes",
        "slump": {"done": True, "familiar_symptom": True, "changes_with_neck": True, "differs_from_other_side": True},
        "red_flags": [f.id for f in content.red_flags.flags],
        "mimics": [m.id for m in content.red_flags.mimics],
    }


def per_call_us(func: Any, calls: int, repeats: int) -> dict[str, float]:
    """Microseconds per call over ``repeats`` batches of ``calls`` calls.

    CPU time of this process is the headline: on a shared machine the wall clock also
    counts the time other processes hold the CPU, which says nothing about assess().
    Wall-clock figures are kept beside it.
    """
    cpu = [b / calls * 1e6 for b in timeit.Timer(func, timer=time.process_time).repeat(repeat=repeats, number=calls)]
    wall = [b / calls * 1e6 for b in timeit.Timer(func, timer=time.perf_counter).repeat(repeat=repeats, number=calls)]
    return {
        "median_us": round(statistics.median(cpu), 2),
        "best_us": round(min(cpu), 2),
        "wall_median_us": round(statistics.median(wall), 2),
        "wall_best_us": round(min(wall), 2),
    }


def trivial() -> None:
    """The cheapest possible call: what the timer loop itself costs."""


def main(calls: int = 1000, repeats: int = 7) -> dict[str, Any]:
    started = time.perf_counter()
    load_content.cache_clear()
    load_content()
    cold_load_ms = (time.perf_counter() - started) * 1e3

    cases: dict[str, dict[str, Any]] = {"empty": {}}
    for example in load_examples():
        cases[example.id] = read_example_file(ROOT / "content" / "examples" / f"{example.id}.json")["answers"]
    cases["heavy (all regions, both sides, all flags)"] = heavy_answers()

    first = Answers.model_validate(cases["empty"])
    started = time.perf_counter()
    assess(first)
    first_assess_ms = (time.perf_counter() - started) * 1e3

    rows: dict[str, Any] = {}
    for name, raw in cases.items():
        answers = Answers.model_validate(raw)
        a = per_call_us(lambda answers=answers: assess(answers), calls, repeats)
        v = per_call_us(lambda raw=raw: Answers.model_validate(raw), calls, repeats)
        rows[name] = {"assess": a, "validate": v, "ratio_assess_to_validate": round(a["median_us"] / v["median_us"], 2)}
    floor = per_call_us(trivial, calls * 10, repeats)

    worst = max(r["assess"]["median_us"] for r in rows.values())
    worst_best = max(r["assess"]["best_us"] for r in rows.values())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    data = {
        "name": "assess",
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1min": None if load is None else round(load, 2),
        "calls_per_batch": calls,
        "batches": repeats,
        "content_cold_load_ms": round(cold_load_ms, 1),
        "first_assess_ms": round(first_assess_ms, 2),
        "trivial_call_us": floor,
        "cases": rows,
        "worst_median_assess_us": worst,
        "worst_best_batch_assess_us": worst_best,
        "worst_median_assess_wall_us": max(r["assess"]["wall_median_us"] for r in rows.values()),
        "timer": "process_time (CPU) per call; wall_* fields use perf_counter",
        "target_us": 1000,
        "worst_as_fraction_of_target": round(worst / 1000, 3),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "assess.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    print(f"content load (cold): {cold_load_ms:.1f} ms; first assess: {first_assess_ms:.2f} ms; trivial call: {floor['median_us']} us")
    print("per call, median batch; CPU time of this process (wall clock in brackets)")
    print(f"{'case':45} {'assess us':>20} {'validate us':>20} {'ratio':>7}")
    for name, row in rows.items():
        a, v = row["assess"], row["validate"]
        print(
            f"{name:45} {a['median_us']:>9} ({a['wall_median_us']:>8}) {v['median_us']:>9} ({v['wall_median_us']:>8})"
            f" {row['ratio_assess_to_validate']:>7}"
        )
    worst_wall = max(r["assess"]["wall_median_us"] for r in rows.values())
    print(f"worst case: median {worst} us CPU ({worst / 1000:.1%} of the 1 ms target), best batch {worst_best} us; wall {worst_wall} us")
    print(f"load average while measuring: {load} on {os.cpu_count()} CPUs (the ratios matter more than the raw figures)")
    print(f"-> {RESULTS / 'assess.json'}")
    return data


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    main(args.calls, args.repeats)

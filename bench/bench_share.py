"""Share links and the PDF report: how long they are, how long they take.

Figures per example case: the token length (with and without the preset dictionary, so
its benefit is measured, not assumed), encode and decode times against the baseline of
``Answers.model_validate`` of the same answers (what any way in already pays), and the PDF
build time against ``assess()`` of the same answers (what the Results page already pays).
Printed and written to bench/results/share.json.

    .venv/bin/python bench/bench_share.py [--calls N] [--repeats R]
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import statistics
import sys
import timeit
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nervetriage.examples import load_examples  # noqa: E402
from nervetriage.models import Answers  # noqa: E402
from nervetriage.report import build_report  # noqa: E402
from nervetriage.scoring import assess  # noqa: E402
from nervetriage.share import answers_json, decode_link, encode_link  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def _us(stmt: Any, calls: int, repeats: int) -> dict[str, float]:
    times = [t / calls * 1e6 for t in timeit.repeat(stmt, number=calls, repeat=repeats)]
    return {"median_us": round(statistics.median(times), 1), "best_us": round(min(times), 1)}


def _plain_token_chars(answers: Answers) -> int:
    """The same token without the preset dictionary: the baseline for its benefit."""
    packer = zlib.compressobj(level=9, wbits=-15)
    packed = packer.compress(answers_json(answers).encode()) + packer.flush()
    return len("1.") + len(base64.urlsafe_b64encode(b"0000" + packed).rstrip(b"="))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cases: dict[str, Any] = {}
    for example in load_examples():
        answers = example.fresh_answers()
        raw = answers.model_dump(mode="json")
        token = encode_link(answers)
        validate = _us(lambda raw=raw: Answers.model_validate(raw), args.calls, args.repeats)
        encode = _us(lambda a=answers: encode_link(a), args.calls, args.repeats)
        decode = _us(lambda t=token: decode_link(t), args.calls, args.repeats)
        assessment = assess(answers)
        scoring = _us(lambda a=answers: assess(a), max(args.calls // 10, 5), args.repeats)
        pdf = _us(lambda a=answers, s=assessment: build_report(a, s), 3, args.repeats)
        cases[example.id] = {
            "json_chars": len(answers_json(answers)),
            "token_chars": len(token),
            "token_chars_without_dictionary": _plain_token_chars(answers),
            "encode": encode,
            "decode": decode,
            "validate": validate,
            "ratio_decode_to_validate": round(decode["median_us"] / validate["median_us"], 2),
            "pdf": {"median_ms": round(pdf["median_us"] / 1000, 1), "best_ms": round(pdf["best_us"] / 1000, 1)},
            "assess": scoring,
            "ratio_pdf_to_assess": round(pdf["median_us"] / scoring["median_us"], 1),
            "pdf_bytes": len(build_report(answers, assessment)),
        }
    summary = {
        "name": "share",
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "calls_per_batch": args.calls,
        "batches": args.repeats,
        "max_token_chars": max(c["token_chars"] for c in cases.values()),
        "median_dictionary_saving": round(
            statistics.median(1 - c["token_chars"] / c["token_chars_without_dictionary"] for c in cases.values()), 2
        ),
        "median_pdf_ms": statistics.median(c["pdf"]["median_ms"] for c in cases.values()),
        "cases": cases,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "share.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{'case':28s} {'token':>6s} {'no dict':>8s} {'enc us':>8s} {'dec us':>8s} {'dec/val':>8s} {'pdf ms':>8s} {'pdf/assess':>10s}")
    for name, c in cases.items():
        print(f"{name:28s} {c['token_chars']:6d} {c['token_chars_without_dictionary']:8d} {c['encode']['median_us']:8.1f} "
              f"{c['decode']['median_us']:8.1f} {c['ratio_decode_to_validate']:8.2f} {c['pdf']['median_ms']:8.1f} "
              f"{c['ratio_pdf_to_assess']:10.1f}")
    print(f"dictionary saves {summary['median_dictionary_saving']:.0%} of the token (median); wrote bench/results/share.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

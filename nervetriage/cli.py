"""Command line: ``python -m nervetriage schema|assess|link encode|link decode|report``.

Exit codes: 0 success, 2 invalid input (with the offending field named on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nervetriage.models import Answers
from nervetriage.scoring import assess

MAX_INPUT_BYTES = 1_000_000


class InputError(Exception):
    """A problem with what the user gave us, reported without a traceback."""


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem, naming the field as a dotted path."""
    lines = []
    for item in error.errors()[:20]:
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"field {where}: {item['msg']}")
    return "\n".join(lines)


def read_text(source: str) -> str:
    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        raw = stream.read(MAX_INPUT_BYTES + 1) if stream is not None else sys.stdin.read(MAX_INPUT_BYTES + 1)
        data = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"{source}: no such file")
        if not path.is_file():
            raise InputError(f"{source}: not a file")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise InputError(f"{source}: larger than {MAX_INPUT_BYTES} bytes")
        data = path.read_text(encoding="utf-8", errors="replace")
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"input larger than {MAX_INPUT_BYTES} bytes")
    return data


def parse_answers(text: str) -> Answers:
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    except RecursionError as exc:
        raise InputError("not valid answers: the JSON is nested far too deeply") from exc
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise InputError(f"not valid answers: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError("the answers must be a JSON object")
    try:
        return Answers.model_validate(raw)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc)) from exc


def _cmd_schema(_: argparse.Namespace) -> int:
    print(json.dumps(Answers.model_json_schema(), indent=2))
    return 0


def _cmd_assess(args: argparse.Namespace) -> int:
    answers = parse_answers(read_text(args.file))
    print(assess(answers).model_dump_json(indent=2))
    return 0


def _cmd_link_encode(args: argparse.Namespace) -> int:
    from nervetriage.share import LinkError, encode_link

    answers = parse_answers(read_text(args.file))
    try:
        token = encode_link(answers)
    except LinkError as exc:
        raise InputError(str(exc)) from exc
    print(token)
    return 0


def _cmd_link_decode(args: argparse.Namespace) -> int:
    from nervetriage.share import LinkError, decode_link, token_from_text

    try:
        _, token = token_from_text(args.token)
        answers = decode_link(token)
    except LinkError as exc:
        raise InputError(str(exc)) from exc
    print(answers.model_dump_json(indent=2, exclude_defaults=True))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from nervetriage.report import build_report

    answers = parse_answers(read_text(args.file))
    pdf = build_report(answers, assess(answers))
    out = Path(args.output)
    if not out.parent.is_dir():
        raise InputError(f"{args.output}: the folder does not exist")
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise InputError(f"{args.output}: cannot write the PDF ({exc.strerror or exc})") from exc
    print(f"wrote {out} ({len(pdf)} bytes)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nervetriage", description="NerveTriage: a screen for nerve-related running pain.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("schema", help="print the JSON Schema of the answers").set_defaults(func=_cmd_schema)
    p_assess = sub.add_parser("assess", help="assess an answers file (or - for stdin) and print JSON")
    p_assess.add_argument("file")
    p_assess.set_defaults(func=_cmd_assess)
    p_link = sub.add_parser("link", help="turn answers into a share-link token and back")
    link_sub = p_link.add_subparsers(dest="link_command", required=True)
    p_encode = link_sub.add_parser("encode", help="print the share-link token for an answers file (or - for stdin)")
    p_encode.add_argument("file")
    p_encode.set_defaults(func=_cmd_link_encode)
    p_decode = link_sub.add_parser("decode", help="print the answers inside a token (or a whole link) as JSON")
    p_decode.add_argument("token")
    p_decode.set_defaults(func=_cmd_link_decode)
    p_report = sub.add_parser("report", help="write the PDF report for an answers file (or - for stdin)")
    p_report.add_argument("file")
    p_report.add_argument("-o", "--output", required=True, help="where to write the PDF")
    p_report.set_defaults(func=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

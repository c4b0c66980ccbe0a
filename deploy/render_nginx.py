"""Render deploy/nginx.conf.template into a working nginx configuration (standard library only).

    python deploy/render_nginx.py --port 8501 --run-dir /tmp/nt --replica 127.0.0.1:8601 --replica 127.0.0.1:8602

prints the configuration (or writes it to ``-o FILE``). ``./run cluster`` uses it, and so do
the tests. RUN_DIR holds nginx's pid file, logs and temp paths; it must exist and be absolute.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
# Replica options: one failed connection takes a replica out for 10 s (see the template).
SERVER_OPTIONS = "max_fails=1 fail_timeout=10s"
_REPLICA = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}$")
_PLACEHOLDER = re.compile(r"\{\{[A-Z_]+\}\}")


def render(port: int, run_dir: str | Path, replicas: Sequence[str], template: str | None = None) -> str:
    """The configuration for nginx listening on ``port`` in front of ``replicas`` (host:port)."""
    run = Path(run_dir)
    if not run.is_absolute():
        raise ValueError(f"run dir must be absolute, got {run_dir!r}")
    if not replicas:
        raise ValueError("at least one replica is needed")
    if not 0 < port < 65536:
        raise ValueError(f"bad port {port}")
    for replica in replicas:
        if not _REPLICA.match(replica):
            raise ValueError(f"bad replica address {replica!r} (want host:port)")
    if any(c in str(run) for c in ' ;{}"\'$\\\n'):
        raise ValueError(f"run dir {run_dir!r} has characters nginx would misread")
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    servers = "\n".join(f"        server {r} {SERVER_OPTIONS};" for r in replicas)
    text = text.replace("{{PORT}}", str(port)).replace("{{RUN_DIR}}", str(run)).replace("{{UPSTREAM_SERVERS}}", servers)
    left = _PLACEHOLDER.findall(text)
    if left:
        raise ValueError(f"unknown placeholders left in the template: {sorted(set(left))}")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="port nginx listens on")
    parser.add_argument("--run-dir", required=True, help="absolute directory for pid, logs and temp files")
    parser.add_argument("--replica", action="append", required=True, help="host:port of a Streamlit replica (repeat)")
    parser.add_argument("-o", "--output", help="write here instead of standard output")
    args = parser.parse_args(argv)
    try:
        text = render(args.port, args.run_dir, args.replica)
    except ValueError as exc:
        parser.error(str(exc))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

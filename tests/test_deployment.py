"""The Dockerfile (no Docker engine here, so it is read, not built) and what it ships.

The essential lines are checked, then the exact set of files its COPY lines put in the
image is copied to a scratch directory and the app is run from there, started the way
the image's CMD starts it and probed with the image's own HEALTHCHECK command.
"""

from __future__ import annotations

import fnmatch
import json
import shlex
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile line, continuation lines joined."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def one(kind: str) -> str:
    found = [args for word, args in instructions() if word == kind]
    assert len(found) == 1, f"expected one {kind}, found {found}"
    return found[0]


def copies() -> list[tuple[str, str]]:
    pairs = []
    for word, args in instructions():
        if word == "COPY":
            *sources, dest = shlex.split(args)
            pairs += [(s, dest) for s in sources]
    return pairs


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def exec_form(args: str) -> list[str]:
    value = json.loads(args[args.index("[") :])
    assert isinstance(value, list)
    return [str(v) for v in value]


def test_image_is_python_311_slim_and_runs_as_a_non_root_user() -> None:
    assert one("FROM") == "python:3.11-slim"
    user = one("USER")
    assert user not in ("root", "0")
    words = [w for w, _ in instructions()]
    assert words.index("USER") < words.index("CMD"), "the server must start as the unprivileged user"
    assert any("useradd" in args and user in args for w, args in instructions() if w == "RUN")


def test_image_installs_the_package_from_pyproject() -> None:
    runs = " ".join(args for w, args in instructions() if w == "RUN")
    assert "pip install" in runs and " ." in runs
    copied = {src for src, _ in copies()}
    assert {"pyproject.toml", "README.md", "nervetriage/"} <= copied


def test_image_ships_the_app_and_the_same_streamlit_config() -> None:
    copied = dict(copies())
    for needed in ("app.py", "pages/", "content/", "examples/", "nervetriage/"):
        assert needed in copied, f"{needed} is not copied into the image"
    assert copied[".streamlit/config.toml"] == "./.streamlit/config.toml", "the config must sit next to app.py in WORKDIR"
    assert not (ROOT / ".streamlit" / "config.toml").read_text().count("cookieSecret"), "secrets do not belong in the image"


def test_every_copied_path_exists_and_is_not_dockerignored() -> None:
    ignored = dockerignore()
    for src, _ in copies():
        assert (ROOT / src).exists(), f"COPY {src}: no such path"
        name = src.rstrip("/")
        assert not any(fnmatch.fnmatch(name, pattern) for pattern in ignored), f"COPY {src} is excluded by .dockerignore"
    for heavy in (".venv", ".git", "tests", "artifacts"):
        assert heavy in ignored, f"{heavy} should not be sent to the Docker build"


def test_port_healthcheck_and_command_agree() -> None:
    assert one("EXPOSE") == "8501"
    health = one("HEALTHCHECK")
    assert "/_stcore/health" in health and "8501" in health
    cmd = exec_form(one("CMD"))
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    flags = dict(zip(cmd[3::2], cmd[4::2], strict=True))
    assert flags["--server.port"] == "8501"
    assert flags["--server.address"] == "0.0.0.0"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    for flag in flags:
        section, _, option = flag.removeprefix("--").partition(".")
        assert option not in config.get(section, {}), f"CMD overrides {flag} from config.toml: the image would differ from here"


@pytest.fixture
def image_tree(tmp_path: Path) -> Path:
    """The files the image gets, laid out as its WORKDIR (/app)."""
    app = tmp_path / "app"
    app.mkdir()
    ignored = dockerignore()
    for src, dest in copies():
        target = app / dest.removeprefix("./") if dest not in ("./", ".") else app / Path(src).name
        source = ROOT / src
        if source.is_dir():
            shutil.copytree(source, target, ignore=lambda _d, names: [n for n in names if n == "__pycache__" or n.endswith(".pyc")])
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    assert not any(fnmatch.fnmatch(p.name, pat) for p in app.rglob("*") for pat in ignored if "/" not in pat and "*" not in pat)
    return app


def test_the_image_file_set_runs_the_app_and_passes_its_own_healthcheck(image_tree: Path) -> None:
    # Every page renders from the copied files alone (no tests/, bench/ or docs/).
    check = (
        "import nervetriage, sys; from pathlib import Path; from streamlit.testing.v1 import AppTest;"
        "from nervetriage.ui.nav import ALL_PAGES;"
        "assert Path(nervetriage.__file__).is_relative_to(Path.cwd()), nervetriage.__file__;"
        "at = AppTest.from_file('app.py', default_timeout=60); at.run();"
        "[at.switch_page(f'pages/{p}.py').run() for p in ALL_PAGES];"
        "sys.exit(1 if at.exception else 0)"
    )
    subprocess.run([sys.executable, "-c", check], cwd=image_tree, check=True, timeout=180)

    # Started as the CMD starts it; another port, since 8501 may be taken on this machine.
    cmd = exec_form(one("CMD"))
    port = str(pick_port())
    args = [port if a == "8501" else ("127.0.0.1" if a == "0.0.0.0" else a) for a in cmd[3:]]
    proc = subprocess.Popen([sys.executable, "-m", *cmd[:3], *args], cwd=image_tree, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        health_cmd = exec_form(one("HEALTHCHECK"))
        assert health_cmd[0] == "python"
        probe = [sys.executable, *health_cmd[1:-1], health_cmd[-1].replace("8501", port)]
        deadline = time.monotonic() + 60
        while subprocess.run(probe, check=False, capture_output=True).returncode != 0:
            assert proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the image's HEALTHCHECK never passed"
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def pick_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

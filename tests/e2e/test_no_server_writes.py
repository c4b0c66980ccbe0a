"""The server writes no files during a session: no answers, uploads or reports on disk.

The server runs under a Python audit hook that logs every file the process opens for
writing (and every rename, delete, mkdir and subprocess), with a fresh, empty HOME and
TMPDIR. A browser then walks a session that touches every way data moves: a share link
with answers, an uploaded answers file, ticked answers on the step pages, the Results
page, and both downloads (PDF report and answers file). Afterwards the audit log must
hold no write at all, and HOME and TMPDIR must still be empty.

Bytecode caching is switched off (PYTHONDONTWRITEBYTECODE=1, as on these machines and in
the Docker image, which compiles at build time): a .pyc is code, not session data, and
would otherwise appear on the first start of a fresh checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.streamlit_server import streamlit_flags

from e2e.conftest import AppServer, goto_app, wait_idle
from nervetriage.models import Answers
from nervetriage.share import answers_file_json, encode_link
from nervetriage.ui.nav import STEPS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

AUDITED_SERVER = r'''
import os, sys
LOG = os.open(os.environ["NT_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
EVENTS = {"os.rename", "os.replace", "os.remove", "os.unlink", "os.mkdir", "os.rmdir", "os.truncate",
          "os.symlink", "os.link", "shutil.copyfile", "shutil.move", "shutil.rmtree", "os.chmod"}

def hook(event, args):
    if event == "open":
        path, mode, flags = (list(args) + [None, None, None])[:3]
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & WRITE)
        if writes and isinstance(path, (str, bytes, os.PathLike)):
            os.write(LOG, f"open\t{os.fsdecode(path)}\n".encode())
    elif event in EVENTS:
        os.write(LOG, f"{event}\t{args[0]}\n".encode())
    elif event == "subprocess.Popen":
        os.write(LOG, f"popen\t{args[1]}\n".encode())

sys.addaudithook(hook)
from streamlit.web.cli import main
sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
sys.exit(main())
'''


def files_under(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


class AuditedServer(AppServer):
    """The app under the audit hook: a wrapper script, and only the environment given here."""

    def __init__(self, wrapper: Path, env: dict[str, str], log_path: Path) -> None:
        super().__init__(script=wrapper, log_path=log_path, env=env)

    def command(self) -> list[str]:
        return [sys.executable, self.script, *streamlit_flags(self.port)]

    def environment(self) -> dict[str, str] | None:
        return self.env


@pytest.fixture
def audited_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path, Path]]:
    """(url, audit log, HOME, TMPDIR) of a server started with an audit hook and empty dirs."""
    home, tmp, log = tmp_path / "home", tmp_path / "tmp", tmp_path / "audit.log"
    home.mkdir()
    tmp.mkdir()
    wrapper = tmp_path / "audited_streamlit.py"
    wrapper.write_text(AUDITED_SERVER)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "XDG_"))},
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NT_AUDIT_LOG": str(log),
    }
    server = AuditedServer(wrapper, env, tmp_path / "server.log")
    server.start()
    log.write_text("")  # start-up is not a session; what follows is
    yield server.url, log, home, tmp
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


def walk_a_session(browser, url: str, upload: Path) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    """Link, upload, ticks on every step, Results, both downloads; returns the two files.

    Uses the suite's one shared browser: a second sync Playwright in the same worker fails.
    """
    calf = [{"region": "calf", "side": "left", "intensity": 6}]
    answers = Answers.model_validate({"note": "my calf tingles on long runs", "regions": calf})
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    goto_app(pg, f"{url}/results?a={encode_link(answers)}")
    # The bridge keeps the link's answers in this tab once it has synced; wait for that, or the
    # next page load may find nothing to restore (and the upload would then not ask).
    pg.wait_for_function("() => (sessionStorage.getItem('nervetriage:tab') || '').includes('my calf tingles')", timeout=30_000)
    goto_app(pg, url)
    # The new page load restores the link's answers from the tab, so the upload asks first.
    pg.get_by_text("Restored your answers", exact=False).first.wait_for(timeout=30_000)
    pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    pg.get_by_role("button", name="Replace my answers").click()
    pg.get_by_text("Answers restored from").wait_for(timeout=30_000)
    wait_idle(pg)
    pg.locator(".st-key-welcome_start button").click()
    for step in STEPS[:-1]:
        pg.wait_for_url(f"**/{step}", timeout=30_000)
        wait_idle(pg)
        box = pg.locator('[data-testid="stMain"] [data-testid="stCheckbox"] label').first
        if box.count():
            box.click()
            pg.wait_for_timeout(300)
            wait_idle(pg)
        pg.locator(".st-key-nav_next button").click()
    pg.wait_for_url("**/results", timeout=30_000)
    wait_idle(pg)
    pg.locator(".st-key-nt_prepare_pdf button").click()
    pg.locator(".st-key-nt_download_pdf button").wait_for(timeout=60_000)
    files = []
    for key in ("nt_download_pdf", "nt_download_json"):
        with pg.expect_download(timeout=60_000) as info:
            pg.locator(f".st-key-{key} button").click()
        path = info.value.path()
        files.append(Path(path).read_bytes())
    context.close()
    return files[0], files[1]


def test_a_whole_session_writes_no_file_on_the_server(  # type: ignore[no-untyped-def]
    audited_server: tuple[str, Path, Path, Path], tmp_path: Path, browser
) -> None:
    url, log, home, tmp = audited_server
    upload = tmp_path / "upload" / "answers.json"
    upload.parent.mkdir()
    calf = [{"region": "calf", "side": "right", "intensity": 4}]
    upload.write_text(answers_file_json(Answers.model_validate({"note": "uploaded", "regions": calf})))
    pdf, answers_file = walk_a_session(browser, url, upload)

    assert pdf.startswith(b"%PDF"), "the PDF report was downloaded"
    assert json.loads(answers_file)["note"] == "uploaded", "the downloaded answers are the session's"
    time.sleep(1)  # let the server finish anything the last click started
    writes = [line for line in log.read_text().splitlines() if line.strip()]
    assert writes == [], "the server wrote to disk during a session:\n" + "\n".join(writes[:40])
    assert files_under(home) == [], f"new files in HOME: {files_under(home)}"
    assert files_under(tmp) == [], f"new files in TMPDIR: {files_under(tmp)}"


def test_the_audit_hook_does_see_a_write(tmp_path: Path) -> None:
    """The hook used above is not blind: a process that writes a file is logged."""
    log = tmp_path / "audit.log"
    hook_only = AUDITED_SERVER.split("from streamlit.web.cli import main")[0]
    written, moved = str(tmp_path / "written.txt"), str(tmp_path / "moved.txt")
    script = hook_only + f"open({written!r}, 'w').write('x')\nimport os\nos.replace({written!r}, {moved!r})\n"
    subprocess.run([sys.executable, "-c", script], env={**os.environ, "NT_AUDIT_LOG": str(log)}, check=True)
    lines = log.read_text().splitlines()
    assert f"open\t{tmp_path / 'written.txt'}" in lines
    assert any(line.startswith("os.rename\t") for line in lines), lines  # os.replace audits as os.rename

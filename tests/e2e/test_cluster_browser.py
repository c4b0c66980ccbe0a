"""`./run cluster 2` in headless Chromium: two replicas behind nginx, as docs/deploy.md recommends.

Through nginx: the security headers are on the page, the app runs under its
Content-Security-Policy with not one violation (console messages and
``securitypolicyviolation`` events, in every frame) while walking it, clicking the body map
and downloading the report; a share link's token reaches the app but no log or file on
disk; and when the replica holding a session is killed, the page reconnects to the other
one and keeps working. Every process the cluster started is checked to be gone afterwards.
A missing nginx is a failure, like a missing browser (``./run test`` installs both).
"""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from support.nginx_cluster import Cluster, nginx_binary

from e2e.conftest import act, assert_no_exception, key, menu_to, open_part, shot, shot_on_failure, wait_idle
from nervetriage.bodymap import click_targets, region_at, view_offsets
from nervetriage.examples import get_example
from nervetriage.scoring import assess
from nervetriage.share import build_clinic_link, build_share_link, token_from_text
from nervetriage.ui.nav import ALL_PAGES
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

UI = load_ui_text()
CHOSEN = "Chosen on the map:"

# Report every CSP violation in every frame to the test (exposed as window.__ntCspViolation).
WATCH_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  const report = {directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
                  line: e.lineNumber, sample: e.sample, page: location.href};
  if (window.__ntCspViolation) { window.__ntCspViolation(report); }
});
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if nginx_binary() is None:
        pytest.fail("nginx is missing: install Debian's nginx (./run test does this)")
    running = Cluster(tmp_path_factory.mktemp("cluster") / "run", replicas=2)
    try:
        running.start()
        yield running
    finally:
        leftovers = running.stop()
    assert not leftovers, f"processes outlived ./run cluster and were killed: {leftovers}"
    assert "cluster stopped" in running.output_text(), running.output_text()[-2000:]
    for port in running.replica_ports:
        log = running.replica_log(port)
        assert "Traceback" not in log, f"replica {port} logged a traceback:\n{log[-3000:]}"


DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@contextlib.contextmanager
def watched_page(browser: Any, name: str, device: dict[str, Any] = DESKTOP) -> Iterator[tuple[Any, list[Any]]]:
    """A fresh context whose page reports CSP violations and page errors into a list."""
    context = browser.new_context(accept_downloads=True, **device)
    problems: list[Any] = []
    context.expose_function("__ntCspViolation", lambda report: problems.append(("violation", report)))
    context.add_init_script(WATCH_CSP)
    pg = context.new_page()
    pg.on("console", lambda msg: problems.append(("console", msg.text)) if "Content Security Policy" in msg.text else None)
    pg.on("pageerror", lambda exc: problems.append(("pageerror", str(exc))))
    try:
        with shot_on_failure(pg, f"cluster-{name}"):
            yield pg, problems
    finally:
        context.close()


def settle(pg: Any, timeout: float = 60_000) -> None:
    """Wait until the page has drawn its content and the script is idle (as goto_app does)."""
    pg.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(timeout=timeout)
    wait_idle(pg, timeout)


def main_text(pg: Any) -> str:
    return str(pg.locator('[data-testid="stMain"]').inner_text())


def sidebar_to(pg: Any, page_id: str) -> None:
    menu_to(pg, page_id)


def inside_point(view: str, region: str, side: str | None) -> tuple[float, float]:
    """A point of the figure (figure coordinates) inside the region."""
    markers = [t for t in click_targets([view]) if t.target.id == region and t.target.side == side]
    middle = sorted(markers, key=lambda t: (t.y, t.x))[len(markers) // 2]
    for x, y in ((middle.x + 0.9, middle.y + 0.7), (middle.x - 0.9, middle.y - 0.7), (middle.x, middle.y)):
        if region_at(view, x, y) == (region, side):
            return view_offsets()[view] + x, y
    raise AssertionError(f"no point inside {region} {side} in the {view} view")


def click_map(pg: Any, view: str, region: str, side: str | None, label: str, tap: bool = False) -> None:
    """Click (or tap) a region on the first body map and wait until the chosen list names it."""
    fig_x, fig_y = inside_point(view, region, side)
    plot = pg.locator(".js-plotly-plot").first
    plot.wait_for(timeout=60_000)
    plot.scroll_into_view_if_needed()
    pg.wait_for_timeout(300)
    px, py = pg.evaluate(
        """([fx, fy]) => {
            const gd = document.querySelector('.js-plotly-plot');
            const r = gd.getBoundingClientRect();
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [r.left + xa._offset + xa.l2p(fx), r.top + ya._offset + ya.l2p(fy)];
        }""",
        [fig_x, fig_y],
    )
    if tap:
        pg.touchscreen.tap(px, py)
    else:
        pg.mouse.move(px, py)
        pg.wait_for_timeout(200)
        pg.mouse.click(px, py)
    chosen = pg.locator('[data-testid="stMarkdownContainer"]').filter(has_text=CHOSEN).first
    expect(chosen).to_contain_text(label, timeout=30_000)
    wait_idle(pg)
    assert_no_exception(pg)


def rendered_csp(cluster: Cluster) -> str:
    match = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', (cluster.run_dir / "nginx.conf").read_text())
    assert match, "no CSP in the rendered configuration"
    return match.group(1)


def served_by(cluster: Cluster, pg: Any) -> str:
    """Which replica this browser's requests go to: fetch a unique path, read nginx's log."""
    path = f"/nt-route-probe-{uuid.uuid4().hex}"
    pg.evaluate("(path) => fetch(path).then((r) => r.status)", path)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = cluster.upstreams_of(path)
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"{path} is not in nginx's access log")


def test_headers_and_a_walk_through_the_app_under_its_csp(cluster: Cluster, browser) -> None:  # type: ignore[no-untyped-def]
    with watched_page(browser, "walk") as (pg, problems):
        response = pg.goto(cluster.url)
        assert response is not None and response.status == 200
        headers = response.all_headers()
        assert headers["content-security-policy"] == rendered_csp(cluster)
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert {"camera=()", "microphone=()", "geolocation=()"} <= {p.strip() for p in headers["permissions-policy"].split(",")}
        assert headers["server"] == "nginx", "server_tokens off: no version"
        assert "strict-transport-security" not in headers, "HSTS only over TLS"
        assert re.search(r"(^|\n)nt_route=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", headers["set-cookie"]), headers["set-cookie"]
        settle(pg)
        assert_no_exception(pg)

        # Welcome -> Where it hurts (the Start button), click the map, -> Results (Plotly).
        act(pg, pg.get_by_role("button", name=UI.welcome.start).click)
        pg.wait_for_url(re.compile(r".*/where$"))
        click_map(pg, "front", "outer_shin", "left", "Left outer shin (5/10)")
        click_map(pg, "back", "calf", "right", "Right calf (5/10)")
        sidebar_to(pg, "results")
        open_part(pg, "results_more_nerves")  # the results map, in its part of the detail
        pg.locator(f"{key('results_more_nerves')} .js-plotly-plot").first.wait_for(timeout=60_000)
        wait_idle(pg)
        assert_no_exception(pg)
        for page_id in ("learn", "physio", "journal"):
            sidebar_to(pg, page_id)
        for page_id in ALL_PAGES:  # every page, deep-linked
            pg.goto(f"{cluster.url}/{page_id}")
            settle(pg)
            assert_no_exception(pg)

        # Sticky: every request of this browser went to one replica.
        replicas = {served_by(cluster, pg) for _ in range(4)}
        assert len(replicas) == 1, replicas
        pg.wait_for_timeout(500)  # let late violation reports arrive
        assert problems == [], problems


def test_a_tap_on_the_body_map_at_phone_size_under_the_csp(cluster: Cluster, browser) -> None:  # type: ignore[no-untyped-def]
    """The map is a component served by the app itself, with the plotly.js it loads: under the CSP
    (script-src 'self', no hash for it) a tap at phone size selects what is under the finger."""
    with watched_page(browser, "phone", PHONE) as (pg, problems):
        pg.goto(f"{cluster.url}/where")
        settle(pg)
        click_map(pg, "back", "calf", "right", "Right calf (5/10)", tap=True)
        click_map(pg, "back", "heel", "left", "Left underside and inner heel (5/10)", tap=True)
        chosen = pg.locator('[data-testid="stMarkdownContainer"]').filter(has_text=CHOSEN).first.inner_text()
        assert "Right calf" not in chosen.split(";")[1], "the second tap chose what is under the finger"
        pg.wait_for_timeout(500)
        assert problems == [], problems


def test_share_and_clinic_tokens_reach_the_app_but_no_log(cluster: Cluster, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answers = get_example("race-belt-thigh").fresh_answers()
    link = build_share_link(answers, f"{cluster.url}/results").url
    assert link is not None
    kind, token = token_from_text(link)
    assert kind == "answers" and len(token) > 40
    clinic_link = build_clinic_link("Riverside Running Physio", "Please fill this in before Tuesday.", f"{cluster.url}/")
    _, clinic_token = token_from_text(clinic_link)
    logged_before = {path: len(cluster.upstreams_of(path)) for path in ("/results", "/")}
    with watched_page(browser, "tokens") as (pg, problems):
        pg.goto(link)
        pg.wait_for_url(lambda now: "?a=" not in now, timeout=60_000)
        settle(pg)
        assert assess(answers).band_label in main_text(pg), "the link's answers reached the app"
        assert_no_exception(pg)

        # The report and the answers file download through nginx (the same replica holds them).
        pg.locator(key("nt_prepare_pdf")).get_by_role("button").click()
        pg.locator(key("nt_download_pdf")).get_by_role("button").wait_for(timeout=60_000)
        with pg.expect_download() as pdf:
            pg.locator(key("nt_download_pdf")).get_by_role("button").click()
        pdf.value.save_as(tmp_path / "report.pdf")
        assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
        with pg.expect_download() as answers_file:
            pg.locator(key("nt_download_json")).get_by_role("button").click()
        answers_file.value.save_as(tmp_path / "answers.json")
        assert (tmp_path / "answers.json").stat().st_size > 0
        # ...and uploads back through it (XSRF cookie and token, request body size).
        pg.goto(cluster.url)
        settle(pg)
        pg.locator(key("nt_upload")).locator('input[type="file"]').set_input_files(str(tmp_path / "answers.json"))
        pg.get_by_text("Answers restored from answers.json.").wait_for(timeout=30_000)
        assert_no_exception(pg)

        pg.goto(clinic_link)
        pg.wait_for_url(lambda now: "?c=" not in now, timeout=60_000)
        settle(pg)
        assert_no_exception(pg)
        pg.wait_for_timeout(500)
        assert problems == [], problems

    log = cluster.access_log()
    # The share link's path (/results) and the clinic link's and upload page's (/) are logged...
    assert len(cluster.upstreams_of("/results")) > logged_before["/results"], f"the path is not logged:\n{log[-2000:]}"
    assert len(cluster.upstreams_of("/")) >= logged_before["/"] + 2, f"the path is not logged:\n{log[-2000:]}"
    # ...their query strings are not.
    assert "?a=" not in log and "?c=" not in log
    # Not in the access log, the error log, a replica's log or anything else the cluster wrote.
    for secret in (token, clinic_token):
        body = secret.split(".", 1)[1]
        for path in (p for p in cluster.run_dir.rglob("*") if p.is_file()):
            assert body[:24] not in path.read_text(errors="replace"), f"a link token was written to {path.name}"


def test_killing_the_replica_of_a_session_moves_it_to_the_other(cluster: Cluster, browser) -> None:  # type: ignore[no-untyped-def]
    with watched_page(browser, "failover") as (pg, problems):
        sockets: list[Any] = []
        pg.on("websocket", lambda ws: sockets.append(ws) if ws.url.endswith("/_stcore/stream") else None)
        pg.goto(f"{cluster.url}/where")
        settle(pg)
        click_map(pg, "front", "outer_shin", "left", "Left outer shin (5/10)")
        holder = served_by(cluster, pg)
        assert holder in {f"127.0.0.1:{p}" for p in cluster.replica_ports}
        live = [ws for ws in sockets if not ws.is_closed()]
        assert len(live) == 1, f"one WebSocket open, not {len(live)}"

        before = len(sockets)
        cluster.kill_replica(int(holder.rsplit(":", 1)[1]))
        deadline = time.monotonic() + 30
        while not live[0].is_closed() and time.monotonic() < deadline:
            pg.wait_for_timeout(100)
        assert live[0].is_closed(), "the WebSocket survived its replica: it was held by the other one (not sticky)"
        deadline = time.monotonic() + 60
        while not [ws for ws in sockets[before:] if not ws.is_closed()] and time.monotonic() < deadline:
            pg.wait_for_timeout(200)
        assert [ws for ws in sockets[before:] if not ws.is_closed()], "the page did not reconnect"
        other = served_by(cluster, pg)
        assert other != holder and other in {f"127.0.0.1:{p}" for p in cluster.replica_ports}

        # Reconnected, the page asks the new replica for a run at once (browser_store.js), and
        # the new session restores this tab's answers before anything is clicked.
        pg.get_by_text("Restored your answers from this browser tab", exact=False).first.wait_for(timeout=60_000)
        wait_idle(pg)
        assert_no_exception(pg)
        assert "Left outer shin (5/10)" in main_text(pg), "the answer given before the failover is gone"
        # The first click on the other replica counts.
        click_map(pg, "back", "calf", "right", "Right calf (5/10)")
        assert "Left outer shin (5/10)" in main_text(pg)
        assert served_by(cluster, pg) == other
        shot(pg, "cluster-after-failover")
        pg.wait_for_timeout(500)
        assert problems == [], problems

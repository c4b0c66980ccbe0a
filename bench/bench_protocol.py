"""Protocol-level load: many Streamlit sessions over WebSockets, no browsers.

The browser-bound load test (``bench_load.py``) measures two cores running 20 Chromiums as
much as the server. This one speaks Streamlit's own protocol instead: each simulated
session opens ``/_stcore/stream`` with the subprotocols the frontend sends
(``streamlit, PLACEHOLDER_AUTH_TOKEN``, no Origin, so no XSRF cookie is needed), sends
``BackMsg.rerun_script`` messages built from the ``streamlit.proto`` classes that ship
with Streamlit, and reads the ``ForwardMsg`` stream back. What a browser would do, it does:

- before connecting it fetches ``/``, ``/_stcore/health`` and ``/_stcore/host-config`` and
  keeps the cookies (nginx's route cookie among them), which it sends on the WebSocket and on
  downloads (not the static bundles: a browser caches them);
- the first rerun carries the query string and no page (or the page a deep link names); the
  page hashes come from the ``navigation`` ForwardMsg, and every later rerun names the page shown;
- the widget states it sends are those of the widgets the last run drew (each widget's
  value from its element: ``value``/``raw_value`` when the server set it, else its default;
  widgets in forms are left out, as the frontend holds them until submit), plus the one
  it changes; triggers (buttons) are sent once;
- it keeps the ForwardMsg cache the frontend keeps (cacheable messages by hash, expired
  after ``maxCachedMessageAge`` runs) and sends those hashes, so the server answers with
  ``ref_hash`` messages where a browser would get them;
- the app's browser-storage bridge (an ``st.components.v2`` component) sends its "loaded"
  event once per new session, as its JavaScript does on mount (nothing stored yet).

Each session walks the flow at a human pace: load Welcome, press Start, choose a region and
then its side on Where, then for every later step switch page (a rerun with the page's
``page_script_hash``, as the sidebar does) and change one widget there (a checkbox, pills,
a radio, a select slider...; which one varies with the session), and on Results press
"Prepare the PDF report" and download the PDF (``--no-pdf`` leaves that out). Then the
visitor leaves and a new one connects. Each session's first visitor starts at a different
step (a deep link), so from the start the sessions are spread over the whole flow and the
mix of steps (PDFs and new visitors included) is about the same in every window. A step is
one rerun: latency is from sending the BackMsg to the ``script_finished`` that ends it (a
run that ends early for a rerun, as ``st.switch_page`` does, is followed to the run after
it). One step per session every ``--interval`` seconds (jittered 0.5x-1.5x; the next step
is due that long after the last was sent, or at once when the last took longer). Errors:
exception elements in the deltas, compile errors, page-not-found, disconnects, failed
connects or downloads and steps without a ``script_finished`` within 10 s (the session then
reconnects as a new visitor).

One run, two targets on the same machine minutes apart, so they can be compared:

1. one server (``StreamlitServer``, with ``MALLOC_ARENA_MAX=2`` as ``./run app`` starts it);
2. ``./run cluster 2`` (two replicas behind nginx on free ports, via ``tests/support/nginx_cluster``).

For each: lone walks first on each server (one to warm it up, then three measured: server
CPU per step for one session, step by step), then ``--sessions`` sessions ramped up over
``--ramp`` s and held ``--hold`` s stepping every ``--interval`` s (the measured window),
then a saturation ladder on the same sessions: the step interval shrinks so the offered
rate grows 1.4x a level (4 s to settle, 12 s measured) while the servers keep up (p95 <= 1 s
and at least 85% of the offered rate done), or comes down 1.4x a level while they do not,
then one level halfway between the last that kept up and the first that did not. The figure compared between 1 and 2 replicas is the
best steps/s of a level with p95 <= 1 s.

Server CPU is each server process's CPU clock (replicas separately, nginx apart), memory
the peak VmRSS per server sampled every 0.5 s; the load generator's own CPU (its processes,
``--generators``) and everything else the machine ran in the window (/proc/stat minus all
of the above) are reported as cores busy: they share the same cores as the servers.

    .venv/bin/python bench/bench_protocol.py                  # the default run, 5-6 minutes
    .venv/bin/python bench/bench_protocol.py --sessions 50 --hold 30 --no-saturate --targets single

Writes bench/results/protocol.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import multiprocessing as mp
import os
import queue
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_server import Server, pct, write_result  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402
from support.nginx_cluster import Cluster, nginx_binary, session_members  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.exceptions import ConnectionClosed, InvalidHandshake  # noqa: E402
from websockets.typing import Subprotocol  # noqa: E402

SESSIONS = 100
INTERVAL_S = 5.0
RAMP_S = 20.0
HOLD_S = 60.0
STEP_TIMEOUT_S = 10.0
LEVEL_SETTLE_S = 4.0
LEVEL_MEASURE_S = 12.0
LEVEL_FACTOR = 1.4
MAX_LEVELS = 6
TARGETS = {"sessions": 100, "interval_s": 5.0, "p95_ms": 1000.0, "errors": 0, "rss_mb": 400.0,
           "cpu_ms_per_step": 15.0, "replica_speedup": 1.5}

# The flow: Welcome (load, then Start), then these pages in order (ui/nav.py STEPS).
FLOW = ("where", "safety", "along", "sign1", "sign2", "sign3", "sign4", "sign5", "sign6", "selfcheck", "results")
# The widgets a person would touch on a page, in order, where they clearly stand out (a key, or a
# prefix ending in ":"): on Where a region only counts once its side is given. Elsewhere one
# widget, which one varying with the session.
PREFERRED = {"where": ("where:regions", "where:side:"), "safety": ("safety:none",)}
# Widgets a simulated visitor leaves alone: red flags and mimics send the flow elsewhere.
AVOID = re.compile(r"red_flags|mimics|nt_store")
CHANGEABLE = ("checkbox", "radio", "button_group", "slider", "multiselect", "selectbox")
STORE_COMPONENT = re.compile(r"nervetriage[._]store$")  # nervetriage/ui/browser_store.py's bridge
INTERNAL_PREFIX = "$$STREAMLIT_INTERNAL_KEY"
FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
# What the frontend sends without an XSRF cookie or an earlier session id to resume.
SUBPROTOCOLS = [Subprotocol("streamlit"), Subprotocol("PLACEHOLDER_AUTH_TOKEN")]

# A step record, as sent from a generator process: (kind, done at (monotonic s), latency ms or -1, error or "").
Record = tuple[str, float, float, str]


class StepError(Exception):
    """A step that failed in a way the visitor cannot go on from (it reconnects as a new visitor)."""


def widget_key(widget_id: str) -> str:
    """The user key inside a widget id (``$$ID-<hash>-<key>``), or the id itself."""
    return widget_id.split("-", 2)[2] if widget_id.startswith("$$ID-") and widget_id.count("-") >= 2 else widget_id


def initial_state(kind: str, el: Any) -> WidgetState | None:
    """The value the frontend registers for a widget when it draws it (None: it sends none)."""
    if getattr(el, "form_id", ""):
        return None
    state = WidgetState(id=el.id)
    if kind == "checkbox":
        state.bool_value = el.value if el.set_value else el.default
    elif kind in ("radio", "selectbox"):
        if el.set_value and el.HasField("raw_value"):
            state.string_value = el.raw_value
        elif el.HasField("default") and 0 <= el.default < len(el.options):
            state.string_value = el.options[el.default]
        else:
            return None
    elif kind == "multiselect":
        values = list(el.raw_values) if el.set_value else [el.options[i] for i in el.default if 0 <= i < len(el.options)]
        state.string_array_value.data.extend(values)
    elif kind == "button_group":
        values = list(el.raw_values) if el.set_value else [el.options[i].content for i in el.default if 0 <= i < len(el.options)]
        state.string_array_value.data.extend(values)
    elif kind == "slider":
        if el.options:  # a select_slider: the formatted options
            if el.set_value and el.raw_value:
                state.string_array_value.data.extend(el.raw_value)
            else:
                state.string_array_value.data.extend(el.options[int(i)] for i in el.default if 0 <= int(i) < len(el.options))
        else:
            state.double_array_value.data.extend(el.value if el.set_value else el.default)
    else:
        return None
    return state


def changed_state(kind: str, el: Any, current: WidgetState | None, rng: random.Random) -> WidgetState:
    """A new value for the widget, different from ``current``, as a person's click would make it."""
    state = WidgetState(id=el.id)
    if kind == "checkbox":
        state.bool_value = not (current.bool_value if current is not None else el.default)
    elif kind in ("radio", "selectbox"):
        chosen = current.string_value if current is not None and current.HasField("string_value") else None
        state.string_value = rng.choice([o for o in el.options if o != chosen] or list(el.options))
    elif kind in ("multiselect", "button_group"):
        options = [o.content for o in el.options] if kind == "button_group" else list(el.options)
        selected = list(current.string_array_value.data) if current is not None else []
        pick = rng.choice([o for o in options if o not in selected] or options)
        if kind == "button_group" and el.click_mode != el.MULTI_SELECT:
            values = [pick]
        else:
            limit = getattr(el, "max_selections", 0)
            values = [*selected, pick][-limit:] if limit else [*selected, pick]
        state.string_array_value.data.extend(values)
    elif kind == "slider":
        if el.options:
            at = list(current.string_array_value.data) if current is not None else []
            choices = [o for o in el.options[1:] if [o] != at] or list(el.options)
            state.string_array_value.data.append(rng.choice(choices))
        else:
            steps = max(int((el.max - el.min) / el.step), 1) if el.step else 1
            state.double_array_value.data.append(el.min + el.step * rng.randint(1, steps))
    return state


@dataclass
class RunResult:
    """What one rerun drew: the widgets (by id, with their element) and whether the store bridge was there."""

    widgets: dict[str, tuple[str, Any, bool]] = field(default_factory=dict)  # id -> (kind, element, in the main area)
    store: tuple[str, str] | None = None  # (aggregator widget id, fragment id) of the storage bridge
    pages_seen: set[str] = field(default_factory=set)  # active script hashes of the deltas


class Recorder:
    """Where a visitor reports its steps (a list, drained by the generator process)."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def step(self, kind: str, latency_ms: float, page: str = "") -> None:
        self.records.append((kind, time.monotonic(), latency_ms, ""))

    def error(self, kind: str, message: str) -> None:
        self.records.append((kind, time.monotonic(), -1.0, message[:300]))


class CpuRecorder(Recorder):
    """For a lone session: also the server CPU each step cost (since the step before), by step and page."""

    def __init__(self, pid: int) -> None:
        super().__init__()
        self.pid = pid
        self.mark = cpu_seconds(pid)
        self.cpu_ms: list[tuple[str, float]] = []

    def step(self, kind: str, latency_ms: float, page: str = "") -> None:
        super().step(kind, latency_ms, page)
        now = cpu_seconds(self.pid)
        if kind not in ("connect", "http"):
            self.cpu_ms.append((f"{kind}:{page}", round(1000 * (now - self.mark), 1)))
        self.mark = now


class Pace:
    """The step interval (shared with the orchestrator) and the stop flag."""

    def __init__(self, interval: Callable[[], float], stopped: Callable[[], bool], with_pdf: bool = True) -> None:
        self.interval = interval
        self.stopped = stopped
        self.with_pdf = with_pdf  # the walk ends with the PDF report (prepared, then downloaded)

    async def until(self, when: float) -> bool:
        """Sleep until ``when`` (monotonic) or the stop; False when stopped."""
        while not self.stopped():
            left = when - time.monotonic()
            if left <= 0:
                return True
            await asyncio.sleep(min(left, 0.5))
        return False


class Visitor:
    """One person's walk through the flow on one WebSocket session."""

    def __init__(self, url: str, index: int, visit: int, recorder: Recorder, pace: Pace) -> None:
        self.http_url = url.rstrip("/")
        self.ws_url = ws_url(url)
        self.cookies: dict[str, str] = {}
        self.with_pdf = pace.with_pdf
        self.index = index
        self.rng = random.Random(index * 7919 + visit)
        self.recorder = recorder
        self.pace = pace
        self.ws: ClientConnection | None = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.current_page = ""  # the page the last run showed (navigation.page_script_hash)
        self.here = "welcome"  # its name, for the records
        self.states: dict[str, WidgetState] = {}  # what the frontend would send, by widget id
        self.cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, run it was last used in)
        self.runs = 0
        self.max_age = 2
        self.store_sent = False
        self.last_send = 0.0
        self.last: RunResult = RunResult()

    async def walk(self, fast: bool = False, first_page: str | None = None) -> int:
        """The whole flow, or from ``first_page`` of it on (a deep link, as a shared step link opens it);
        returns the number of steps taken. Raises StepError/ConnectionClosed/OSError."""
        await self.open_page()
        t0 = time.perf_counter()
        tokens = [*SUBPROTOCOLS[:1], Subprotocol(self.cookies.get("_streamlit_xsrf", SUBPROTOCOLS[1]))]
        headers = {"Cookie": self.cookie_header()} if self.cookies else None
        async with connect(self.ws_url, subprotocols=tokens, additional_headers=headers, max_size=None,
                           open_timeout=STEP_TIMEOUT_S, ping_interval=None, compression=None) as ws:
            self.ws = ws
            self.recorder.step("connect", 1000 * (time.perf_counter() - t0))
            steps = 0
            await self.step("load", query_string="", page_name=first_page or "")
            steps += 1
            if self.last.store is not None and not self.store_sent:  # the bridge sends at once, on mount
                steps += await self.send_store_loaded()
            if not await self.wait(fast):
                return steps
            begin = FLOW.index(first_page) if first_page else 0
            start = self.widget_id("button", "welcome_start")
            if first_page:
                self.here = first_page
            elif start is not None:
                self.here = FLOW[0]  # Start switches to the first step
                await self.step("start", triggers=[WidgetState(id=start, trigger_value=True)])
                steps += 1
            else:
                await self.step("page", page=FLOW[0])
                steps += 1
            for position, page in enumerate(FLOW[begin:], start=begin):
                if position > begin:
                    if not await self.wait(fast):
                        return steps
                    await self.step("page", page=page)
                    steps += 1
                for wanted in PREFERRED.get(page, ("",)):
                    if not await self.wait(fast):
                        return steps
                    if await self.change_widget(wanted):
                        steps += 1
            if not self.with_pdf or not await self.wait(fast):
                return steps
            return steps + await self.pdf()

    def widget_id(self, kind: str, key: str) -> str | None:
        return next((wid for wid, (k, _, _) in self.last.widgets.items() if k == kind and widget_key(wid) == key), None)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def open_page(self) -> None:
        """What a browser fetches before it opens the WebSocket (its static bundles aside, which it caches):
        the page, then the health and host-config endpoints. nginx's route cookie comes with the page."""
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            t0 = time.perf_counter()
            status, headers, _ = await http_get(self.http_url, path, self.cookie_header())
            if status != 200:
                raise StepError(f"GET {path}: HTTP {status}")
            for value in headers.get("set-cookie", []):
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            self.recorder.step("http", 1000 * (time.perf_counter() - t0))

    async def pdf(self) -> int:
        """On Results: press "Prepare the PDF report", then download it as the browser would (same cookies)."""
        prepare = self.widget_id("button", "nt_prepare_pdf")
        if prepare is None:
            return 0
        await self.step("pdf", triggers=[WidgetState(id=prepare, trigger_value=True)])
        download = self.last.widgets.get(self.widget_id("download_button", "nt_download_pdf") or "")
        if download is None:
            raise StepError("pdf: no download button after Prepare")
        t0 = time.perf_counter()
        status, _, body = await http_get(self.http_url, download[1].url, self.cookie_header())
        if status != 200 or not body.startswith(b"%PDF"):
            raise StepError(f"pdf: the download gave HTTP {status}, {len(body)} bytes, not a PDF")
        self.recorder.step("download", 1000 * (time.perf_counter() - t0), self.here)
        return 1

    async def wait(self, fast: bool) -> bool:
        interval = 0.05 if fast else self.pace.interval() * self.rng.uniform(0.5, 1.5)
        return await self.pace.until(self.last_send + interval)

    async def change_widget(self, wanted: str) -> bool:
        """Change the widget ``wanted`` names (see PREFERRED), or one of the page's first four."""
        candidates = [(wid, kind, el) for wid, (kind, el, main) in self.last.widgets.items()
                      if main and kind in CHANGEABLE and not getattr(el, "form_id", "") and not AVOID.search(widget_key(wid))]
        preferred = [c for c in candidates if wanted and (widget_key(c[0]) == wanted
                                                          or (wanted.endswith(":") and widget_key(c[0]).startswith(wanted)))]
        if not candidates:
            return False
        wid, kind, el = preferred[0] if preferred else candidates[self.index % min(len(candidates), 4)]
        new = changed_state(kind, el, self.states.get(wid), self.rng)
        self.states[wid] = new
        await self.step("widget")
        return True

    async def send_store_loaded(self) -> int:
        assert self.last.store is not None
        aggregator, fragment = self.last.store
        payload = [{"event": "loaded", "value": {"available": True, "tab": None, "device": None, "remember": False}}]
        self.store_sent = True
        await self.step("store", triggers=[WidgetState(id=aggregator, json_trigger_value=json.dumps(payload))], fragment=fragment)
        return 1

    async def step(self, kind: str, query_string: str | None = None, page: str | None = None,
                   triggers: Iterable[WidgetState] = (), fragment: str = "", page_name: str = "") -> None:
        """Send one rerun and wait for the run that answers it to finish."""
        assert self.ws is not None
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = query_string or ""
        if page is not None:
            if page not in self.pages:
                raise StepError(f"{kind}: no page {page!r} in the navigation")
            rerun.page_script_hash = self.pages[page]
        else:  # the frontend reruns the page it shows (empty on the first load: the default page)
            rerun.page_script_hash = self.current_page
        if fragment:
            rerun.fragment_id = fragment
        if page_name:  # the page the URL's path names, before the page hashes are known
            rerun.page_name = page_name
        rerun.widget_states.widgets.extend(self.states.values())
        rerun.widget_states.widgets.extend(triggers)
        rerun.cached_message_hashes.extend(self.cache)
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale = "Europe/London", 0, "en-GB"
        info.url, info.color_scheme = self.http_url + "/", "light"
        t0 = time.perf_counter()
        self.last_send = time.monotonic()
        await self.ws.send(msg.SerializeToString())
        try:
            result = await asyncio.wait_for(self.read_until_finished(kind), STEP_TIMEOUT_S)
        except TimeoutError:
            raise StepError(f"{kind}: no script_finished in {STEP_TIMEOUT_S:.0f} s") from None
        if page is not None:
            self.here = page
        self.recorder.step(kind, 1000 * (time.perf_counter() - t0), self.here)
        if fragment:  # a fragment run redraws only the fragment: the rest of the page stays
            self.last.widgets.update(result.widgets)
            result, kept = self.last, dict(self.states)
        else:
            self.last = result
            kept = {}
        # The frontend drops the states of widgets the run did not draw, and registers new ones.
        for wid, (wkind, el, _) in result.widgets.items():
            server_set = bool(getattr(el, "set_value", False))
            if wid in self.states and not server_set:
                kept[wid] = self.states[wid]
            else:
                state = initial_state(wkind, el)
                if state is not None:
                    kept[wid] = state
        self.states = kept

    async def read_until_finished(self, kind: str) -> RunResult:
        assert self.ws is not None
        result = RunResult()
        while True:
            data = await self.ws.recv(decode=False)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            which = msg.WhichOneof("type")
            if which == "ref_hash":
                cached = self.cache.get(msg.ref_hash)
                if cached is None:
                    self.recorder.error("cache", f"{kind}: ref_hash for a message this client never had")
                    continue
                self.cache[msg.ref_hash] = (cached[0], self.runs)
                full = ForwardMsg()
                full.CopyFrom(cached[0])
                full.metadata.CopyFrom(msg.metadata)
                msg, which = full, full.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = (msg, self.runs)
            if which == "delta":
                self._delta(msg, result, kind)
            elif which == "new_session":
                result = RunResult()  # a new run: what the last one drew is replaced
                if msg.new_session.config.max_cached_message_age:
                    self.max_age = msg.new_session.config.max_cached_message_age
            elif which == "navigation":
                self.pages = {p.url_pathname or "welcome": p.page_script_hash for p in msg.navigation.app_pages}
                self.current_page = msg.navigation.page_script_hash
            elif which == "page_not_found":
                self.recorder.error("page_not_found", f"{kind}: page not found")
            elif which == "script_finished":
                status = msg.script_finished
                if status == FINISHED_EARLY_FOR_RERUN:
                    continue
                if status == FINISHED_WITH_COMPILE_ERROR:
                    self.recorder.error("compile_error", f"{kind}: the script did not compile")
                self.runs += 1
                self.cache = {h: v for h, v in self.cache.items() if self.runs - v[1] <= self.max_age}
                return result

    def _delta(self, msg: ForwardMsg, result: RunResult, kind: str) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        etype = element.WhichOneof("type")
        if etype is None:
            return
        el = getattr(element, etype)
        if etype == "exception":
            self.recorder.error("exception", f"{kind}: {el.type}: {el.message[:200]}")
            return
        if msg.metadata.active_script_hash:
            result.pages_seen.add(msg.metadata.active_script_hash)
        if etype == "bidi_component" and STORE_COMPONENT.search(el.component_name):
            result.store = (f"{INTERNAL_PREFIX}_{el.id}__events", delta.fragment_id)
            return
        wid = getattr(el, "id", "")
        if wid and wid.startswith("$$"):
            path = list(msg.metadata.delta_path)
            result.widgets[wid] = (etype, el, bool(path) and path[0] == 0)


async def session_slot(url: str, index: int, start_at: float, recorder: Recorder, pace: Pace) -> None:
    """One concurrent session: visitor after visitor until stopped; every failure is counted, never raised."""
    if not await pace.until(start_at):
        return
    visit = 0
    while not pace.stopped():
        visitor = Visitor(url, index, visit, recorder, pace)
        try:
            await visitor.walk(first_page=first_page(index) if visit == 0 else None)
        except StepError as exc:
            recorder.error("timeout" if "script_finished" in str(exc) else "flow", str(exc))
        except ConnectionClosed as exc:
            if not pace.stopped():
                recorder.error("disconnect", f"closed by the server: {exc}")
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            if not pace.stopped():
                recorder.error("connect", f"{type(exc).__name__}: {exc}")
        visit += 1
        if not await pace.until(visitor.last_send + pace.interval() * visitor.rng.uniform(0.5, 1.5)):
            return


def first_page(index: int) -> str | None:
    """Where session ``index``'s first visitor starts: Welcome, or a step of the flow by deep link.

    Spread evenly over the flow, so the sessions are at every stage of it from the start (and
    the mix of steps, PDFs and new visitors included, stays about the same at every level).
    """
    position = index % (len(FLOW) + 1) - 1
    return FLOW[position] if position >= 0 else None


def ws_url(http_url: str) -> str:
    return http_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"


async def http_get(base: str, path: str, cookie: str = "") -> tuple[int, dict[str, list[str]], bytes]:
    """A plain HTTP/1.1 GET on its own connection (as a browser's first requests are): status, headers, body."""
    url = urllib.parse.urlsplit(base)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(url.hostname, url.port), STEP_TIMEOUT_S)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: */*\r\nConnection: close\r\n"
        request += (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
        writer.write(request.encode("latin-1"))
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(-1), STEP_TIMEOUT_S)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if "chunked" in ",".join(headers.get("transfer-encoding", [])):
        data, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            data, rest = data + rest[:size], rest[size + 2:]
        body = data
    return status, headers, body


# ---------------------------------------------------------------------------- generator processes


def generator_main(url: str, indices: list[int], sessions: int, start_at: float, ramp_s: float,
                   interval: Any, stop: Any, out: Any, with_pdf: bool = True) -> None:
    """Entry point of one load-generator process: its share of the sessions, in one asyncio loop."""

    async def run() -> None:
        recorder = Recorder()
        pace = Pace(lambda: float(interval.value), lambda: bool(stop.value), with_pdf)

        async def flush_every() -> None:
            while True:
                await asyncio.sleep(0.5)
                if recorder.records:
                    batch, recorder.records = recorder.records, []
                    out.put(batch)

        flusher = asyncio.create_task(flush_every())
        tasks = [asyncio.create_task(session_slot(url, i, start_at + ramp_s * i / max(sessions, 1), recorder, pace))
                 for i in indices]
        while not stop.value:
            await asyncio.sleep(0.2)
        _done, pending = await asyncio.wait(tasks, timeout=STEP_TIMEOUT_S + 2)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        flusher.cancel()
        if recorder.records:
            out.put(recorder.records)

    asyncio.run(run())
    out.put(None)


class Generators:
    """``count`` generator processes sharing ``sessions`` sessions; step records collected here."""

    def __init__(self, url: str, sessions: int, count: int, interval: float, ramp_s: float, with_pdf: bool = True) -> None:
        ctx = mp.get_context("spawn")
        self.interval = ctx.Value("d", interval)
        self.stop_flag = ctx.Value("i", 0)
        self.out: Any = ctx.Queue()
        self.start_at = time.monotonic() + 3.0  # spawned processes import streamlit's protos first
        self.records: list[Record] = []
        self.lock = threading.Lock()
        self.procs = [
            ctx.Process(target=generator_main, daemon=True,
                        args=(url, list(range(k, sessions, count)), sessions, self.start_at, ramp_s,
                              self.interval, self.stop_flag, self.out, with_pdf))
            for k in range(count)
        ]
        self.finished = 0
        self.reader = threading.Thread(target=self._read, daemon=True)

    def start(self) -> None:
        for proc in self.procs:
            proc.start()
        self.reader.start()

    def _read(self) -> None:
        while self.finished < len(self.procs):
            try:
                batch = self.out.get(timeout=1)
            except queue.Empty:
                if not any(p.is_alive() for p in self.procs):
                    return
                continue
            if batch is None:
                self.finished += 1
                continue
            with self.lock:
                self.records.extend(batch)

    def set_interval(self, seconds: float) -> None:
        self.interval.value = seconds

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.pid is not None]

    def window(self, t0: float, t1: float) -> list[Record]:
        with self.lock:
            return [r for r in self.records if t0 <= r[1] < t1]

    def stop(self) -> None:
        self.stop_flag.value = 1
        for proc in self.procs:
            proc.join(timeout=STEP_TIMEOUT_S + 10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        self.reader.join(timeout=5)


# ---------------------------------------------------------------------------- servers and /proc


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


_LIBC = ctypes.CDLL(None, use_errno=True)


def cpu_seconds(pid: int) -> float:
    """CPU time of one process (all its threads, finished ones included), in seconds; 0 when it is gone.

    From the process's CPU clock (``clock_getcpuclockid``: nanoseconds, so one step of one
    session can be measured), else from /proc/<pid>/stat (utime + stime, in 10 ms ticks).
    """
    clock, spec = ctypes.c_int(), _Timespec()
    if _LIBC.clock_getcpuclockid(pid, ctypes.byref(clock)) == 0 and _LIBC.clock_gettime(clock.value, ctypes.byref(spec)) == 0:
        return spec.tv_sec + spec.tv_nsec / 1e9
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class Target:
    """What the load is pointed at: its URL, its server processes (and nginx's, for a cluster)."""

    name = ""
    url = ""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def server_pids(self) -> dict[str, int]:
        return {}

    def direct_urls(self) -> list[str]:
        """Each server's own address, to warm each one up."""
        return [self.url]

    def proxy_pids(self) -> list[int]:
        return []

    def tracebacks(self) -> int:
        return 0


class OneServer(Target):
    name = "one_server"

    def __init__(self) -> None:
        # As ./run app and ./run cluster start it: fewer glibc arenas (docs/performance.md).
        self.server = Server("app.py", env={"MALLOC_ARENA_MAX": "2"})
        self.url = self.server.url

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    def server_pids(self) -> dict[str, int]:
        return {str(self.server.port): self.server.proc.pid} if self.server.proc else {}

    def tracebacks(self) -> int:
        return self.server.log_text().count("Traceback")


class ClusterTarget(Target):
    def __init__(self, replicas: int) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-protocol-cluster-"))
        self.cluster = Cluster(self.tmp / "run", replicas=replicas)
        self.name = f"cluster_{replicas}"
        self.url = self.cluster.url

    def start(self) -> None:
        self.cluster.start()

    def stop(self) -> None:
        leftovers = self.cluster.stop()
        if leftovers:
            print(f"  (had to kill {len(leftovers)} leftover cluster processes)")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server_pids(self) -> dict[str, int]:
        return {str(p): self.cluster.replica_pid(p) for p in self.cluster.replica_ports}

    def direct_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.cluster.replica_ports]

    def proxy_pids(self) -> list[int]:
        if self.cluster.proc is None:
            return []
        return [pid for pid in session_members(self.cluster.proc.pid) if comm(pid) == "nginx"]

    def tracebacks(self) -> int:
        return sum(self.cluster.replica_log(p).count("Traceback") for p in self.cluster.replica_ports)


class Sampler:
    """Peak VmRSS per server process, sampled every 0.5 s in a thread."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop_event.is_set():
            self.samples.append((time.monotonic(), {name: rss_mb(pid) for name, pid in self.pids.items()}))
            self.stop_event.wait(0.5)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join()

    def peak(self, t0: float = 0.0, t1: float = float("inf")) -> dict[str, float]:
        out: dict[str, float] = {}
        for when, values in self.samples:
            if t0 <= when <= t1:
                for name, value in values.items():
                    out[name] = max(out.get(name, 0.0), value)
        return {k: round(v, 1) for k, v in out.items()}


# ---------------------------------------------------------------------------- measuring


def cpu_of(pids: Iterable[int]) -> float:
    return sum(cpu_seconds(p) for p in pids)


def machine_cpu() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


NOT_STEPS = ("connect", "http", "download")  # timed too, but not reruns


def summarise(records: list[Record], wall: float) -> dict[str, Any]:
    steps = [r for r in records if r[2] >= 0 and r[0] not in NOT_STEPS]
    latencies = [r[2] for r in steps]
    errors = [r for r in records if r[2] < 0]
    by_kind: dict[str, list[float]] = {}
    for kind, _, latency, _ in steps:
        by_kind.setdefault(kind, []).append(latency)
    error_kinds: dict[str, int] = {}
    for kind, *_ in errors:
        error_kinds[kind] = error_kinds.get(kind, 0) + 1
    connects = [r[2] for r in records if r[0] == "connect" and r[2] >= 0]
    extra = {kind: [r[2] for r in records if r[0] == kind and r[2] >= 0] for kind in ("http", "download")}
    return {
        "steps": len(steps),
        "steps_per_s": round(len(steps) / wall, 2) if wall else 0.0,
        "p50_ms": round(pct(latencies, 50), 1),
        "p95_ms": round(pct(latencies, 95), 1),
        "p95_ms_without_pdf": round(pct([r[2] for r in steps if r[0] != "pdf"], 95), 1),
        "max_ms": round(max(latencies), 1) if latencies else 0.0,
        "by_kind": {k: {"n": len(v), "p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1)} for k, v in sorted(by_kind.items())},
        "connects": len(connects),
        "connect_p95_ms": round(pct(connects, 95), 1),
        "http_get_p95_ms": round(pct(extra["http"], 95), 1),
        "pdf_downloads": len(extra["download"]),
        "pdf_download_p95_ms": round(pct(extra["download"], 95), 1),
        "errors": len(errors),
        "errors_by_kind": error_kinds,
        "error_samples": sorted({r[3] for r in errors})[:8],
    }


def measure(target: Target, gens: Generators, sampler: Sampler, seconds: float, **extra: Any) -> dict[str, Any]:
    """One measured window: steps that finished in it, and CPU used by servers, proxy and generator."""
    servers = target.server_pids()
    proxy = target.proxy_pids()
    t0 = time.monotonic()
    cpu0 = {name: cpu_seconds(pid) for name, pid in servers.items()}
    proxy0, gen0 = cpu_of(proxy), cpu_of(gens.pids())
    self0, (busy0, steal0) = time.process_time(), machine_cpu()
    time.sleep(seconds)
    t1 = time.monotonic()
    wall = t1 - t0
    per_server = {name: cpu_seconds(pid) - cpu0[name] for name, pid in servers.items()}
    proxy_cpu, gen_cpu = cpu_of(proxy) - proxy0, cpu_of(gens.pids()) - gen0
    self_cpu = time.process_time() - self0
    busy1, steal1 = machine_cpu()
    time.sleep(1.0)  # the generators flush every 0.5 s
    row = summarise(gens.window(t0, t1), wall)
    server_cpu = sum(per_server.values())
    steps = max(row["steps"], 1)
    row.update(extra)
    row.update({
        "window_s": round(wall, 1),
        "server_cpu_s": {k: round(v, 2) for k, v in per_server.items()},
        "server_cores_busy": round(server_cpu / wall, 2),
        "server_cpu_ms_per_step": round(1000 * server_cpu / steps, 1),
        "steps_per_s_per_busy_core": round(row["steps"] / server_cpu, 1) if server_cpu else None,
        "nginx_cores_busy": round(proxy_cpu / wall, 3) if proxy else None,
        "generator_cores_busy": round(gen_cpu / wall, 3),
        "generator_share_of_machine": round(gen_cpu / wall / (os.cpu_count() or 1), 3),
        "orchestrator_cores_busy": round(self_cpu / wall, 3),
        "machine_cores_busy": round((busy1 - busy0) / wall, 2),
        # Everything else on the machine in this window (other people's tests, browsers...).
        "other_cores_busy": round(max((busy1 - busy0) - server_cpu - proxy_cpu - gen_cpu - self_cpu, 0.0) / wall, 2),
        "stolen_cores": round((steal1 - steal0) / wall, 2),
        "rss_peak_mb": sampler.peak(t0, t1),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    })
    return row


async def lone_walk(url: str, visit: int, recorder: Recorder) -> int:
    visitor = Visitor(url, 10_000 + visit, visit, recorder, Pace(lambda: 0.05, lambda: False))
    return await visitor.walk(fast=True)


LONE_WALKS = 3  # measured lone walks per server, after one that warms it up


def warm_up(target: Target) -> dict[str, Any]:
    """Lone walks on each server: one for first-use imports and caches, then LONE_WALKS measured.

    One session alone, 50 ms between steps: server CPU per step (the walk's median over the
    measured walks) and, step by step, the CPU the server spent since the step before.
    """
    out: dict[str, Any] = {}
    pids = target.server_pids()
    for url, (name, pid) in zip(target.direct_urls(), pids.items(), strict=True):
        asyncio.run(lone_walk(url, 0, Recorder()))
        per_walk, without_pdf, latencies, errors = [], [], [], []
        by_step: dict[str, list[float]] = {}
        t0 = time.perf_counter()
        for visit in range(1, LONE_WALKS + 1):
            recorder = CpuRecorder(pid)
            cpu0 = cpu_seconds(pid)
            steps = asyncio.run(lone_walk(url, visit, recorder))
            total_ms = 1000 * (cpu_seconds(pid) - cpu0)
            per_walk.append(total_ms / max(steps, 1))
            latencies += [r[2] for r in recorder.records if r[2] >= 0 and r[0] not in NOT_STEPS]
            errors += [r[3] for r in recorder.records if r[2] < 0]
            for label, ms in recorder.cpu_ms:
                by_step.setdefault(label, []).append(ms)
            pdf_ms = sum(ms for label, ms in recorder.cpu_ms if label.startswith(("pdf:", "download:")))
            without_pdf.append((total_ms - pdf_ms) / max(steps - 1, 1))
        out[name] = {"steps_per_walk": steps, "server_cpu_ms_per_step": round(statistics.median(per_walk), 1),
                     "server_cpu_ms_per_step_walks": [round(x, 1) for x in per_walk],
                     "server_cpu_ms_per_step_without_pdf": round(statistics.median(without_pdf), 1),
                     "server_cpu_ms_by_step": {k: round(statistics.median(v), 1) for k, v in by_step.items()},
                     "step_p50_ms": round(pct(latencies, 50), 1), "step_p95_ms": round(pct(latencies, 95), 1),
                     "errors": errors[:5], "wall_s": round(time.perf_counter() - t0, 1), "rss_after_mb": round(rss_mb(pid), 1)}
    return out


def passes(level: dict[str, Any]) -> bool:
    return bool(level["steps"]) and level["p95_ms"] <= TARGETS["p95_ms"]


def keeps_up(level: dict[str, Any]) -> bool:
    """p95 within 1 s and the servers keep up with the offered rate (within 15%)."""
    return passes(level) and level["steps_per_s"] >= 0.85 * level["offered_steps_per_s"]


def ladder(run_level: Callable[[float], bool], start: float, start_ok: bool) -> None:
    """Offered rate up 1.4x a level while the servers keep up (down while they do not), then one
    level halfway (geometrically) between the last that kept up and the first that did not."""
    good, bad = (start, None) if start_ok else (None, start)
    rate = start
    for _ in range(MAX_LEVELS):
        if good is not None and bad is not None:
            break
        rate = rate * LEVEL_FACTOR if bad is None else rate / LEVEL_FACTOR
        if run_level(rate):
            good = rate
        else:
            bad = rate
    if good is not None and bad is not None:
        run_level((good * bad) ** 0.5)


def run_target(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {target.name}: starting", flush=True)
    t_start = time.perf_counter()
    target.start()
    try:
        pids = target.server_pids()
        idle = {name: round(rss_mb(pid), 1) for name, pid in pids.items()}
        warm = warm_up(target)
        brief = {k: {x: v[x] for x in ("server_cpu_ms_per_step", "step_p50_ms", "rss_after_mb")} for k, v in warm.items()}
        print(f"   warm-up, one session alone: {json.dumps(brief)}", flush=True)
        sampler = Sampler(pids)
        sampler.start()
        gens = Generators(target.url, args.sessions, args.generators, args.interval, args.ramp, args.pdf)
        gens.start()
        levels: list[dict[str, Any]] = []
        try:
            time.sleep(max(gens.start_at + args.ramp - time.monotonic(), 0))
            offered = args.sessions / args.interval
            hold = measure(target, gens, sampler, args.hold, label="hold", sessions=args.sessions, interval_s=args.interval,
                           offered_steps_per_s=round(offered, 1))
            print_level(target.name, hold)
            levels.append(hold)
            if args.saturate:

                def run_level(rate: float) -> bool:
                    interval = args.sessions / rate
                    gens.set_interval(interval)
                    time.sleep(LEVEL_SETTLE_S)
                    level = measure(target, gens, sampler, LEVEL_MEASURE_S, label=f"{rate:.0f}/s", sessions=args.sessions,
                                    interval_s=round(interval, 2), offered_steps_per_s=round(rate, 1))
                    print_level(target.name, level)
                    levels.append(level)
                    return keeps_up(level)

                ladder(run_level, offered, keeps_up(hold))
        finally:
            gens.stop()
            sampler.stop()
        after = {name: round(rss_mb(pid), 1) for name, pid in pids.items()}
        passing = [lv for lv in levels if passes(lv)]
        best = max(passing, key=lambda lv: lv["steps_per_s"]) if passing else None
        all_records = gens.records
        return {
            "target": target.name,
            "url": target.url,
            "servers": len(pids),
            "idle_rss_mb": idle,
            "warm_up": warm,
            "hold": levels[0] if levels else None,
            "levels": levels,
            "best_steps_per_s_at_p95_le_1s": best["steps_per_s"] if best else 0.0,
            "best_level": best["label"] if best else None,
            "saturated": any(not keeps_up(lv) for lv in levels),  # some level it did not keep up with
            "rss_peak_mb": sampler.peak(),
            "rss_after_mb": after,
            "rss_series_mb": [[round(t - gens.start_at, 1), v] for t, v in sampler.samples[::10]],
            "total_steps": len([r for r in all_records if r[2] >= 0 and r[0] not in NOT_STEPS]),
            "total_pdf_downloads": len([r for r in all_records if r[0] == "download" and r[2] >= 0]),
            "total_errors": len([r for r in all_records if r[2] < 0]),
            "server_tracebacks": target.tracebacks(),
            "wall_s": round(time.perf_counter() - t_start, 1),
        }
    finally:
        target.stop()


def print_level(name: str, row: dict[str, Any]) -> None:
    print(f"   {name:11s} {row['label']:>6s}: {row['steps_per_s']:6.1f} steps/s (offered {row['offered_steps_per_s']}), "
          f"p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms (without PDF steps {row['p95_ms_without_pdf']:.0f}), "
          f"errors {row['errors']}, "
          f"server {row['server_cores_busy']} cores, {row['server_cpu_ms_per_step']} ms/step, "
          f"generator {row['generator_cores_busy']} cores, others {row['other_cores_busy']} cores, RSS {row['rss_peak_mb']}", flush=True)


# ---------------------------------------------------------------------------- report


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    one = results.get("one_server")

    def add(label: str, value: Any, op: str, limit: float) -> None:
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        rows.append({"target": label, "value": value, "limit": f"{op} {limit}", "met": met})

    if one and one.get("hold"):
        hold = one["hold"]
        n = hold["sessions"]
        add(f"1 server, {n} sessions every {hold['interval_s']:g} s: step p95 (ms)", hold["p95_ms"], "<=", TARGETS["p95_ms"])
        add(f"1 server, {n} sessions: errors", hold["errors"], "<=", TARGETS["errors"])
        add(f"1 server, {n} sessions: peak RSS (MB)", max(one["rss_peak_mb"].values(), default=None), "<=", TARGETS["rss_mb"])
        add(f"1 server, {n} sessions: server CPU per step (ms)", hold["server_cpu_ms_per_step"], "<=", TARGETS["cpu_ms_per_step"])
        lone = next(iter(one["warm_up"].values()))
        with_pdf = results.get("config", {}).get("pdf", True)  # the lone walks always end with the PDF
        add(f"1 server, one session alone: server CPU per step{'' if with_pdf else ' without the PDF'} (ms)",
            lone["server_cpu_ms_per_step" if with_pdf else "server_cpu_ms_per_step_without_pdf"], "<=", TARGETS["cpu_ms_per_step"])
    cluster = results.get("cluster_2")
    ratio = results.get("ratios", {}).get("best_steps_per_s")
    if one and cluster:
        add("2 replicas / 1 server: steps/s at p95 <= 1 s", ratio, ">=", TARGETS["replica_speedup"])
    return rows


def print_table(results: dict[str, Any]) -> None:
    print("\n== protocol-level load (no browsers)")
    head = (f"  {'target':11s} {'level':>6s} {'sessions':>8s} {'steps/s':>8s} {'p50 ms':>7s} {'p95 ms':>7s} {'no-pdf':>6s} {'errors':>6s} "
            f"{'srv cores':>9s} {'ms/step':>7s} {'st/s/core':>9s} {'gen cores':>9s} {'others':>6s} {'RSS max MB':>14s}")
    print(head)
    for name in ("one_server", "cluster_2"):
        res = results.get(name)
        if not res:
            continue
        for lv in res["levels"]:
            rss = "/".join(f"{v:.0f}" for v in lv["rss_peak_mb"].values())
            print(f"  {name:11s} {lv['label']:>6s} {lv['sessions']:8d} {lv['steps_per_s']:8.1f} {lv['p50_ms']:7.0f} {lv['p95_ms']:7.0f} "
                  f"{lv['p95_ms_without_pdf']:6.0f} {lv['errors']:6d} {lv['server_cores_busy']:9.2f} {lv['server_cpu_ms_per_step']:7.1f} "
                  f"{lv['steps_per_s_per_busy_core'] or 0:9.1f} {lv['generator_cores_busy']:9.2f} {lv['other_cores_busy']:6.2f} {rss:>14s}")
        print(f"  {name}: best steps/s with p95 <= 1 s: {res['best_steps_per_s_at_p95_le_1s']} ({res['best_level']}); "
              f"peak RSS {res['rss_peak_mb']} MB; idle {res['idle_rss_mb']} MB; server tracebacks {res['server_tracebacks']}")
    print("\n== targets")
    for row in results.get("targets", []):
        mark = {True: "met", False: "MISSED", None: "not measured"}[row["met"]]
        print(f"  {row['target']:58s} {row['value']!s:>8} {row['limit']:>8}  {mark}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sessions", type=int, default=SESSIONS, help="concurrent sessions")
    parser.add_argument("--interval", type=float, default=INTERVAL_S, help="seconds between two steps of a session (jittered 0.5-1.5x)")
    parser.add_argument("--ramp", type=float, default=RAMP_S, help="seconds over which the sessions connect")
    parser.add_argument("--hold", type=float, default=HOLD_S, help="seconds measured at full load")
    parser.add_argument("--generators", type=int, default=1, help="load-generator processes")
    parser.add_argument("--targets", default="single,cluster", help="comma-separated: single, cluster")
    parser.add_argument("--replicas", type=int, default=2, help="replicas in the cluster")
    parser.add_argument("--no-saturate", dest="saturate", action="store_false", help="skip the saturation ladder")
    parser.add_argument("--no-pdf", dest="pdf", action="store_false", help="end the walk on Results without the PDF report")
    parser.add_argument("--name", default="protocol", help="result file: bench/results/<name>.json")
    return parser.parse_args(argv)


def main(argv: list[str]) -> dict[str, Any]:
    args = parse_args(argv)
    wanted = {t.strip() for t in args.targets.split(",") if t.strip()}
    started = time.perf_counter()
    results: dict[str, Any] = {
        "command": " ".join(["python bench/bench_protocol.py", *argv]),
        "config": {"sessions": args.sessions, "interval_s": args.interval, "ramp_s": args.ramp, "hold_s": args.hold,
                   "generators": args.generators, "replicas": args.replicas, "saturate": args.saturate, "pdf": args.pdf,
                   "step_timeout_s": STEP_TIMEOUT_S, "level_settle_s": LEVEL_SETTLE_S, "level_measure_s": LEVEL_MEASURE_S,
                   "level_factor": LEVEL_FACTOR, "flow": ["welcome", *FLOW]},
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    targets: list[Target] = []
    if "single" in wanted:
        targets.append(OneServer())
    if "cluster" in wanted:
        if nginx_binary() is None:
            print("nginx is not installed: skipping the cluster (./run test installs it)")
        else:
            targets.append(ClusterTarget(args.replicas))
    for target in targets:
        key = "cluster_2" if isinstance(target, ClusterTarget) else target.name
        with contextlib.suppress(KeyboardInterrupt):
            results[key] = run_target(target, args)
    one, cluster = results.get("one_server"), results.get("cluster_2")
    if one and cluster and one.get("hold") and cluster.get("hold"):
        results["ratios"] = {
            # Only once the one server was pushed past what it keeps up with (if the cluster never
            # was, the ratio is a lower bound: see cluster_2.saturated).
            "best_steps_per_s": round(cluster["best_steps_per_s_at_p95_le_1s"] / one["best_steps_per_s_at_p95_le_1s"], 2)
            if one["best_steps_per_s_at_p95_le_1s"] and one["saturated"] else None,
            "hold_p95": round(cluster["hold"]["p95_ms"] / one["hold"]["p95_ms"], 2) if one["hold"]["p95_ms"] else None,
            "hold_server_cpu_ms_per_step": round(cluster["hold"]["server_cpu_ms_per_step"] / one["hold"]["server_cpu_ms_per_step"], 2)
            if one["hold"]["server_cpu_ms_per_step"] else None,
        }
    results["targets"] = verdicts(results)
    results["target_limits"] = TARGETS
    results["wall_s"] = round(time.perf_counter() - started, 1)
    results["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    write_result(args.name, results)
    print_table(results)
    print(f"\nwrote bench/results/{args.name}.json ({results['wall_s']:.0f} s)")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])

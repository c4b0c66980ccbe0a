"""Script time of every page against a bare Streamlit page with the same elements.

For each page of the app (with an example runner's answers loaded, so the pages show
what a real session shows) AppTest reruns the page and times ``at.run()``. The baseline
is generated from the element tree that very run produced: the same containers, columns
and expanders, the same widgets with the same labels and options, the same text, but no
app code (no frame, navigation, answers, scoring or content loading). Both run under the
same AppTest harness, interleaved, and the median ratio says what our code costs on top
of Streamlit drawing the same page. Target: ratio <= 1.3.

AppTest resets ``PagesManager.uses_pages_directory`` before every run, so with a
``pages/`` folder next to app.py each AppTest run first goes through Streamlit's legacy
"pages directory" mode: it creates a page for every file in ``pages/``, navigates, runs
the page file, whose frame guard then runs app.py's navigation and the page a second time.
A real server does that only on the first run of the process (``st.navigation`` switches
the legacy mode off for good, ``streamlit/commands/navigation.py``). The target figure is
measured as the server runs (``server_like_navigation``); the AppTest-as-is ratio is
measured in the same run and reported next to it.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_server import write_result  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from nervetriage.models import Answers  # noqa: E402

EXAMPLE = ROOT / "examples" / "ultra-fall-top-of-foot.json"
TARGET_RATIO = 1.3
TEXT_KINDS = {"markdown", "caption", "title", "header", "subheader", "text", "latex", "divider"}
ALERT_KINDS = {"error", "warning", "info", "success", "exception"}


class BareScript:
    """Python source of a bare page that mirrors an AppTest element tree."""

    def __init__(self, figure_dir: Path) -> None:
        self.lines: list[str] = [
            "import json",
            "import streamlit as st",
            "import plotly.io as pio",
            "",
            "@st.cache_resource",
            "def _figure(path):",
            "    return pio.from_json(open(path).read())",
            "",
        ]
        self.figure_dir = figure_dir
        self.counter = 0
        self.widgets = 0
        self.elements = 0
        self.unmapped: list[str] = []
        self.in_form = 0

    def _key(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def block(self, node: Any, indent: int) -> None:
        children = list(node.children.values()) if isinstance(getattr(node, "children", None), dict) else []
        if not children:
            self.emit(indent, "pass")
            return
        for child in children:
            self.element(child, indent)

    def element(self, node: Any, indent: int) -> None:
        kind = node.type
        proto: Any = getattr(node, "proto", None)
        self.elements += 1
        if kind == "flex_container" or kind == "vertical" or kind == "horizontal":
            kids = list(node.children.values())
            if kids and all(k.type == "column" for k in kids):
                names = [f"c{self._key()}" for _ in kids]
                self.emit(indent, f"{', '.join(names)}{',' if len(names) == 1 else ''} = st.columns({len(kids)})")
                for name, kid in zip(names, kids, strict=True):
                    self.emit(indent, f"with {name}:")
                    self.block(kid, indent + 1)
                return
            flex = getattr(proto, "flex_container", None)
            border = bool(getattr(flex, "border", False))
            horizontal = getattr(flex, "direction", 0) == 2  # FlexContainer.Direction.HORIZONTAL
            self.emit(indent, f"with st.container(border={border}, horizontal={horizontal}):")
            self.block(node, indent + 1)
            return
        if kind == "expander":
            self.emit(indent, f"with st.expander({getattr(proto, 'label', 'x')!r}):")
            self.block(node, indent + 1)
            return
        if kind in ("form",):
            self.emit(indent, f"with st.form({self._key()!r}):")
            self.in_form += 1
            self.block(node, indent + 1)
            self.in_form -= 1
            return
        if kind in ("tab_container", "tab", "popover", "dialog", "column", "chat_message"):
            self.emit(indent, "with st.container():")
            self.block(node, indent + 1)
            return
        value = getattr(node, "value", "")
        if kind in TEXT_KINDS:
            if kind == "divider":
                self.emit(indent, "st.divider()")
            else:
                fn = "markdown" if kind in ("latex",) else kind
                self.emit(indent, f"st.{fn}({str(value)!r})")
            return
        if kind in ALERT_KINDS:
            fn = "error" if kind == "exception" else kind
            self.emit(indent, f"st.{fn}({str(getattr(proto, 'body', value))!r})")
            return
        if kind == "progress":
            self.emit(indent, f"st.progress({int(proto.value)}, text={proto.text!r})")
            return
        if kind in ("code", "json"):
            self.emit(indent, f"st.code({str(value)!r})")
            return
        if kind == "plotly_chart":
            path = self.figure_dir / f"fig{self._key()}.json"
            path.write_text(proto.spec)
            self.emit(indent, f"st.plotly_chart(_figure({str(path)!r}), key={self._key()!r}, on_select='rerun', selection_mode='points')")
            self.widgets += 1
            return
        self.widget(node, kind, proto, indent)

    def widget(self, node: Any, kind: str, proto: Any, indent: int) -> None:
        key = self._key()
        label = getattr(proto, "label", "") if proto is not None else ""
        options = list(getattr(proto, "options", [])) if proto is not None and hasattr(proto, "options") else []
        calls = {
            "checkbox": f"st.checkbox({label!r}, key={key!r})",
            "toggle": f"st.toggle({label!r}, key={key!r})",
            "button": f"st.button({label!r}, key={key!r})",
            "link_button": f"st.link_button({label!r}, 'https://example.org')",
            "radio": f"st.radio({label!r}, {options!r}, index=None, key={key!r})",
            "selectbox": f"st.selectbox({label!r}, {options!r}, index=None, key={key!r})",
            "multiselect": f"st.multiselect({label!r}, {options!r}, key={key!r})",
            "select_slider": f"st.select_slider({label!r}, options={options!r}, key={key!r})",
            "slider": f"st.slider({label!r}, 0, 10, key={key!r})",
            "text_input": f"st.text_input({label!r}, key={key!r})",
            "text_area": f"st.text_area({label!r}, key={key!r})",
            "number_input": f"st.number_input({label!r}, key={key!r})",
            "date_input": f"st.date_input({label!r}, key={key!r})",
            "download_button": f"st.download_button({label!r}, data=b'x' * 2000, key={key!r})",
            "file_uploader": f"st.file_uploader({label!r}, key={key!r})",
            "color_picker": f"st.color_picker({label!r}, key={key!r})",
        }
        if kind == "button_group":
            opts = [getattr(o, "content", str(o)) for o in getattr(proto, "options", [])]
            calls["button_group"] = f"st.pills({label!r}, {opts!r}, key={key!r})"
        if self.in_form and kind == "button":
            calls["button"] = f"st.form_submit_button({label!r}, key={key!r})"
        if kind in calls:
            self.emit(indent, calls[kind])
            self.widgets += 1
            return
        self.unmapped.append(kind)
        self.emit(indent, f"st.markdown({kind!r})")

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


def bare_source_for(at: AppTest, figure_dir: Path) -> BareScript:
    script = BareScript(figure_dir)
    script.block(at.main, 0)
    script.emit(0, "with st.sidebar:")
    script.block(at.sidebar, 1)
    return script


def page_ids() -> list[str]:
    from nervetriage.ui.nav import ALL_PAGES

    return list(ALL_PAGES)


_SERVER_LIKE = {"on": False}


def server_like_navigation() -> None:
    """Make AppTest skip the legacy pages-directory run, as a server does after its first run.

    The element trees are the same both ways (checked when this was written: every page,
    same elements and text); only the double page run differs.
    """
    from streamlit.runtime import pages_manager

    original = pages_manager.PagesManager.__init__
    if getattr(original, "_nt_server_like", False):
        return

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if _SERVER_LIKE["on"]:
            pages_manager.PagesManager.uses_pages_directory = False

    init._nt_server_like = True  # type: ignore[attr-defined]
    pages_manager.PagesManager.__init__ = init  # type: ignore[method-assign]


def app_for(page_id: str, answers: Answers) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["nt_answers"] = answers.model_copy(deep=True)
    at.run()
    if page_id != "welcome":
        at.switch_page(f"pages/{page_id}.py")
        at.run()
    return at


def timed_run(at: AppTest) -> float:
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0


def measure_page(page_id: str, answers: Answers, reps: int, tmp: Path, server_like: bool = True) -> dict[str, Any]:
    _SERVER_LIKE["on"] = server_like
    at = app_for(page_id, answers)
    if at.exception:
        return {"page": page_id, "error": str(at.exception[0].value)[:300]}
    script = bare_source_for(at, tmp)
    bare = AppTest.from_string(script.source(), default_timeout=60)
    bare.run()
    if bare.exception:
        return {"page": page_id, "error": f"bare page failed: {bare.exception[0].value}"[:300]}
    app_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(reps):
        app_times.append(timed_run(at))
        bare_times.append(timed_run(bare))
    app_ms = statistics.median(app_times) * 1000
    bare_ms = statistics.median(bare_times) * 1000
    return {
        "page": page_id,
        "widgets": script.widgets,
        "elements": script.elements,
        "unmapped": sorted(set(script.unmapped)),
        "app_ms": round(app_ms, 1),
        "bare_ms": round(bare_ms, 1),
        "ratio": round(app_ms / bare_ms, 3),
        "exceptions": len(at.exception),
    }


def main(reps: int = 15) -> dict[str, Any]:
    answers = Answers.model_validate(json.loads(EXAMPLE.read_text()))
    server_like_navigation()
    rows: list[dict[str, Any]] = []
    legacy: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for page_id in page_ids():
            legacy.append(measure_page(page_id, answers, reps, Path(tmp), server_like=False))
            row = measure_page(page_id, answers, reps, Path(tmp), server_like=True)
            row["apptest_legacy_ratio"] = legacy[-1].get("ratio")
            rows.append(row)
            if "error" in row:
                print(f"  {page_id:10s} ERROR {row['error']}")
            else:
                print(
                    f"  {page_id:10s} {row['widgets']:3d} widgets {row['elements']:3d} elements  app {row['app_ms']:7.1f} ms  "
                    f"bare {row['bare_ms']:7.1f} ms  ratio {row['ratio']:.2f}  (AppTest as is: {row['apptest_legacy_ratio']})"
                )
    ratios = [r["ratio"] for r in rows if "ratio" in r]
    legacy_ratios = [r["ratio"] for r in legacy if "ratio" in r]
    result: dict[str, Any] = {
        "mode": "server-like navigation (AppTest's per-run legacy pages-directory pass switched off, as on a running server)",
        "reps": reps,
        "example": EXAMPLE.name,
        "target_ratio": TARGET_RATIO,
        "pages": rows,
        "median_ratio": round(statistics.median(ratios), 3) if ratios else None,
        "worst_ratio": round(max(ratios), 3) if ratios else None,
        "worst_page": max((r for r in rows if "ratio" in r), key=lambda r: r["ratio"])["page"] if ratios else None,
        "errors": [r["page"] for r in rows if "error" in r],
        "apptest_as_is": {
            "median_ratio": round(statistics.median(legacy_ratios), 3) if legacy_ratios else None,
            "worst_ratio": round(max(legacy_ratios), 3) if legacy_ratios else None,
            "note": "every AppTest run also takes the legacy pages-directory pass, which a server takes once per process",
        },
    }
    write_result("pages", result)
    print(f"page script time vs bare page: median ratio {result['median_ratio']}, worst {result['worst_ratio']} ({result['worst_page']}); "
          f"AppTest as is: median {result['apptest_as_is']['median_ratio']}, worst {result['apptest_as_is']['worst_ratio']}")
    return result


if __name__ == "__main__":
    main()

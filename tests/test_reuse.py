"""What the app reuses between reruns instead of rebuilding: figures and navigation pages.

Reuse must never show one person's answers in another's figure, and a reused figure must
be the figure a fresh build would give.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from streamlit.testing.v1 import AppTest

from nervetriage.bodymap import Target, apply_click, build_results_figure
from nervetriage.models import Answers
from nervetriage.scoring import assess
from nervetriage.selection_map import _static, chosen_styles, static_payload
from nervetriage.ui.results_view import contribution_figure, contributions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ultra-fall-top-of-foot.json"


def _example() -> Answers:
    return Answers.model_validate(json.loads(EXAMPLE.read_text()))


def _json(fig: go.Figure) -> object:
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


def test_the_tappable_maps_figure_is_built_once_and_equals_a_fresh_build() -> None:
    """The figure and areas hold no answers: one build serves every session and run."""
    first_id, first = static_payload()
    again_id, again = static_payload()
    assert again is first and again_id == first_id
    fresh_id, fresh = _static.__wrapped__("{site}, along the nerve", (("left", "Left"), ("right", "Right")))
    assert fresh_id == first_id and json.dumps(fresh, sort_keys=True) == json.dumps(first, sort_keys=True)


def test_a_click_that_changes_the_answers_changes_only_what_is_chosen() -> None:
    answers = _example()
    before = chosen_styles(answers)
    clicked = apply_click(answers, Target("region", "heel", "left"))
    after = chosen_styles(clicked)
    assert after != before
    assert set(after) ^ set(before) == {"heel:left"}
    assert static_payload()[1] is static_payload()[1]


def test_the_results_map_is_reused_per_answers_and_options_only() -> None:
    answers = _example()
    assessment = assess(answers)
    plain = build_results_figure(answers, assessment)
    assert build_results_figure(answers, assessment) is plain
    with_dermatomes = build_results_figure(answers, assessment, dermatomes=True)
    assert with_dermatomes is not plain
    assert _json(with_dermatomes) == _json(build_results_figure(answers, assessment, dermatomes=True, cached=False))
    other = Answers()
    assert _json(build_results_figure(other, assess(other))) != _json(plain)


def test_the_contribution_chart_is_built_once_and_is_what_plotly_validates() -> None:
    rows = contributions(assess(_example()))
    fig = contribution_figure(rows)
    assert contribution_figure(tuple(rows)) is fig
    validated = go.Figure(fig.to_dict())  # raises on any property Plotly does not know
    assert _json(validated) == _json(fig)
    [bar] = fig.data
    assert list(bar.x) == [r.points for r in reversed(rows)]
    assert bar.marker.color[-1] == ("#1f6f78" if rows[0].points >= 0 else "#c0602a")


def _two_builds() -> None:
    import streamlit as st

    from nervetriage.ui.nav import build_pages

    _, first = build_pages()
    _, second = build_pages()
    st.session_state["distinct"] = all(first[k] is not second[k] for k in first)
    st.session_state["same"] = [(p.title, p.url_path, p.icon) for p in first.values()] == [
        (p.title, p.url_path, p.icon) for p in second.values()
    ]
    st.session_state["ids"] = list(first)


def test_each_run_gets_its_own_copies_of_the_same_navigation_pages() -> None:
    at = AppTest.from_function(_two_builds)
    at.run()
    assert not at.exception
    assert at.session_state["distinct"], "page objects must not be shared between runs (st.navigation marks them)"
    assert at.session_state["same"]
    assert at.session_state["ids"][0] == "welcome" and "results" in at.session_state["ids"]


def test_bench_and_browser_tests_start_the_server_and_chromium_one_way() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_server
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from e2e import conftest
    from support import streamlit_server

    assert bench_server.CHROMIUM_ARGS is conftest.CHROMIUM_ARGS is streamlit_server.CHROMIUM_ARGS
    assert issubclass(bench_server.Server, streamlit_server.StreamlitServer)
    assert conftest.AppServer is streamlit_server.StreamlitServer
    command = streamlit_server.streamlit_command("app.py", 8765)
    assert command[command.index("--server.port") + 1] == "8765"
    assert "--server.headless" in command and "--server.fileWatcherType" in command

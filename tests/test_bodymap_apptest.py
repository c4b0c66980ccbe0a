"""The body-map widgets under AppTest: taps arrive as the map component's state.

AppTest runs no component JavaScript. It keeps what the page gave the component as JSON in
the element's proto (read here as the browser would get it), and a value set with
``at.session_state[<component key>]`` reaches the page as the component's state, which is
how a tap is sent here: ``{"taps": {"token": ..., "ops": [[seq, id, side, on], ...]}}``, as
nervetriage/ui/assets/bodymap.js sends it. (AppTest calls no widget callback for a value set
that way; the page applies such taps before it mounts the map. The callback path, which the
browser takes, is checked once below through AppTest's own widget states.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from nervetriage.bodymap import intensity_colour
from nervetriage.models import Answers, RegionPain, SiteReport
from nervetriage.selection_map import static_payload
from nervetriage.ui.state import ANSWERS_KEY
from nervetriage.ui_text import load_ui_text

APP = str(Path(__file__).parent / "apps" / "bodymap_app.py")
KEY = "bodymap_select"


def _app(answers: Answers | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if answers is not None:
        at.session_state[ANSWERS_KEY] = answers
    at.run()
    assert not at.exception
    return at


def _mount(at: AppTest, key: str) -> Any:
    (element,) = [e for e in at.get("bidi_component") if getattr(e, "key", None) == key]
    return element


def _map(at: AppTest) -> Any:
    return _mount(at, KEY)


def _data(at: AppTest) -> dict[str, Any]:
    """What the page gave the map component on the last run."""
    data = json.loads(_map(at).proto.json)
    assert isinstance(data, dict)
    return data


def _send(at: AppTest, taps: Any) -> None:
    at.session_state[KEY] = {"taps": taps}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _op(at: AppTest, area: str, side: str | None, on: bool | None = None, seq: int | None = None) -> list[Any]:
    """One tap as bodymap.js makes it: the next seq after the acknowledged one, and what the map shows now."""
    data = _data(at)
    if on is None:
        on = f"{area}:{side or ''}" not in data["chosen"]
    return [data["acked"] + 1 if seq is None else seq, area, side or "", int(on)]


def _tap(at: AppTest, area: str, side: str | None = None) -> None:
    _send(at, {"token": _data(at)["token"], "ops": [_op(at, area, side)]})


def _answers(at: AppTest) -> Answers:
    answers = at.session_state[ANSWERS_KEY]
    assert isinstance(answers, Answers)
    return answers


def _chosen(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "Chosen on the map" in m.value)


def _spec(at: AppTest, index: int = 0) -> dict[str, Any]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_tapping_a_region_adds_it_to_the_answers_and_the_list() -> None:
    at = _app()
    assert "nothing yet" in _chosen(at)
    _tap(at, "outer_shin", "left")
    assert _answers(at).regions == [RegionPain(region="outer_shin", side="left", intensity=5)]
    assert "Left outer shin (5/10)" in _chosen(at)
    assert "outer_shin:left" in _data(at)["chosen"], "the map is told it is chosen"
    assert _data(at)["acked"] == 1, "and that the tap has arrived"


def test_a_tap_is_applied_once_however_often_it_is_sent_or_the_app_reruns() -> None:
    at = _app()
    log = {"token": _data(at)["token"], "ops": [_op(at, "calf", "right")]}
    _send(at, log)
    at.run()
    _send(at, log)  # sent again before its acknowledgement reached the browser
    at.run()
    assert _answers(at).regions == [RegionPain(region="calf", side="right", intensity=5)]
    assert _data(at)["acked"] == 1


def test_tapping_the_same_region_again_removes_it() -> None:
    at = _app()
    _tap(at, "calf", "right")
    _tap(at, "calf", "right")
    assert _answers(at).regions == []
    assert "nothing yet" in _chosen(at)
    assert _data(at)["chosen"] == {}


def test_tapping_a_site_reports_it_as_painful_along_the_nerve() -> None:
    at = _app()
    _tap(at, "low_back")  # the site (no side), not the low-back region of one side
    assert _answers(at).sites == [SiteReport(site="low_back", pain=True)]
    assert _answers(at).regions == []
    assert "Low back (painful, along the nerve)" in _chosen(at)
    assert "low_back:" in _data(at)["chosen"]


def test_taps_sent_together_are_all_applied_in_order() -> None:
    """A rerun that replaces another carries every tap not yet acknowledged, oldest first."""
    at = _app()
    token = _data(at)["token"]
    _send(at, {"token": token, "ops": [[3, "calf", "right", 0], [1, "calf", "right", 1], [2, "heel", "left", 1],
                                       [4, "low_back", "", 1]]})
    assert _answers(at).regions == [RegionPain(region="heel", side="left", intensity=5)]
    assert _answers(at).sites == [SiteReport(site="low_back", pain=True)]
    assert _data(at)["acked"] == 4
    # an op says what the person saw: one already true changes nothing, twice or not
    _send(at, {"token": token, "ops": [[5, "heel", "left", 1], [6, "heel", "left", 1]]})
    assert _answers(at).regions == [RegionPain(region="heel", side="left", intensity=5)]


def test_the_map_shades_regions_chosen_elsewhere_in_the_answers() -> None:
    at = _app(Answers(regions=[RegionPain(region="heel", side="both", intensity=9)]))
    colour = intensity_colour(9)
    rgba = f"rgba({int(colour[1:3], 16)},{int(colour[3:5], 16)},{int(colour[5:7], 16)},"
    chosen = _data(at)["chosen"]
    assert set(chosen) == {"heel:left", "heel:right"}
    assert all(fill.startswith(rgba) for fill, _line in chosen.values())
    assert "Left underside and inner heel (9/10)" not in _chosen(at)  # "both" is listed once, as chosen
    assert "Both sides: underside and inner heel (9/10)" in _chosen(at)
    # a tap on the left heel leaves the right heel at the same strength
    _tap(at, "heel", "left")
    assert _answers(at).regions == [RegionPain(region="heel", side="right", intensity=9)]


def test_tampered_or_odd_taps_change_nothing_and_show_no_error() -> None:
    start = Answers(regions=[RegionPain(region="calf", side="left", intensity=4)])
    at = _app(start)
    token = _data(at)["token"]
    odd_ops: list[Any] = [
        [1, "elbow", "left", 1], [2, "knee", "", 1], [3, "calf", "both", 1], [4, "calf", "", 1], [5, "low_back", "middle", 1],
        [6, "x" * 10_000, "left", 1], [7, "calf", "left", 2], [8, "calf", "left", "0"], [True, "calf", "right", 1],
        ["9", "calf", "right", 1], [-1, "calf", "right", 1], [0, "calf", "right", 1], [2**60, "calf", "right", 1],
        [1.5, "calf", "right", 1], [10, "calf", "right"], [11, "calf", "right", 1, 1], "calf:right", None, 12, {"seq": 13},
        [14, None, "left", 1], [15, "calf", None, 1], [16, ["calf"], "left", 1],
    ]
    for op in odd_ops:
        _send(at, {"token": token, "ops": [op]})
        assert _answers(at) == start, op
    for taps in (
        {"token": token, "ops": [[20, "calf", "right", 1]] * 10_000},  # far more than a browser sends
        {"token": "not-this-session", "ops": [[21, "calf", "right", 1]]},
        {"ops": [[22, "calf", "right", 1]]},
        {"token": token, "ops": "calf:right"},
        {"token": token, "ops": {"1": ["calf", "right", 1]}},
        {"token": token},
        "nonsense", 12, None, [[23, "calf", "right", 1]],
    ):
        _send(at, taps)
        assert _answers(at) == start, taps
    at.session_state[KEY] = "nonsense"
    at.run()
    assert not at.exception and _answers(at) == start
    assert not at.error
    # and the map still works
    _tap(at, "calf", "right")
    assert RegionPain(region="calf", side="right", intensity=5) in _answers(at).regions


def test_taps_from_before_start_over_are_not_replayed() -> None:
    at = _app()
    log = {"token": _data(at)["token"], "ops": [_op(at, "calf", "right")]}
    _send(at, log)
    assert _answers(at).regions
    for key in (f"{KEY}__token", f"{KEY}__applied"):  # what Start over (state.reset_answers) does to them
        del at.session_state[key]
    at.session_state[ANSWERS_KEY] = Answers()
    at.run()
    assert _data(at)["token"] != log["token"], "a new token after Start over"
    _send(at, log)  # the browser still holds the old state
    assert _answers(at).regions == []


def test_the_figure_and_areas_go_to_a_mount_whose_message_never_changes() -> None:
    """Streamlit sends a large message that is the same as one the browser has as a reference
    only; the map's own data stays small and carries no geometry."""
    at = _app()
    static_id, static = static_payload(load_ui_text().where.map.site_label, {"left": "Left", "right": "Right"})
    geometry = _mount(at, f"{KEY}_geometry").proto
    assert json.loads(geometry.json) == {"role": "geometry", "id": static_id, "payload": static}
    areas = {a["key"] for a in static["areas"]}
    assert {"calf:left", "calf:right", "low_back:", "low_back:left", "outer_foot:right"} <= areas
    assert all(not trace.get("customdata") for trace in static["figure"]["data"]), "no click markers"
    assert _data(at)["staticId"] == static_id
    assert len(_map(at).proto.json) < 4000, "the map's own data is small"
    before = geometry.SerializeToString(deterministic=True)
    _tap(at, "calf", "right")
    at.toggle(key="bodymap_results_dermatomes").set_value(True).run()
    assert _mount(at, f"{KEY}_geometry").proto.SerializeToString(deterministic=True) == before


def test_a_tap_sent_as_the_browser_sends_it_is_applied() -> None:
    """The browser's path: the component's state arrives as a widget value (and the page's
    on_taps_change callback applies it). AppTest has no public call for a component's value,
    so its widget states are built here the way the browser sends them."""
    at = _app()
    element = _map(at)
    op = _op(at, "outer_shin", "left")
    states: WidgetStates = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    state.json_value = json.dumps({"taps": {"token": _data(at)["token"], "ops": [op]}})
    at._run(states)
    assert not at.exception
    assert _answers(at).regions == [RegionPain(region="outer_shin", side="left", intensity=5)]
    assert "Left outer shin (5/10)" in _chosen(at)


def test_results_map_follows_the_answers_and_can_show_dermatomes() -> None:
    at = _app()
    _tap(at, "outer_shin", "left")
    results = json.dumps(_spec(at))
    assert "Superficial fibular" in results
    assert '"L5"' not in results
    at.toggle(key="bodymap_results_dermatomes").set_value(True).run()
    assert not at.exception
    assert '"L5"' in json.dumps(_spec(at))

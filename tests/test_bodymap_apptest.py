"""The body-map widgets under AppTest: clicks arrive through the chart's session state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from nervetriage.bodymap import intensity_colour
from nervetriage.models import Answers, RegionPain, SiteReport
from nervetriage.ui.state import ANSWERS_KEY

APP = str(Path(__file__).parent / "apps" / "bodymap_app.py")
KEY = "bodymap_select"


def _app(answers: Answers | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if answers is not None:
        at.session_state[ANSWERS_KEY] = answers
    at.run()
    assert not at.exception
    return at


def _click(at: AppTest, *customdata: Any) -> None:
    points = [{"customdata": c, "x": 0, "y": 0, "curve_number": 0, "point_index": i} for i, c in enumerate(customdata)]
    at.session_state[KEY] = {"selection": {"points": points, "point_indices": list(range(len(points))), "box": [], "lasso": []}}
    at.run()
    assert not at.exception


def _answers(at: AppTest) -> Answers:
    answers = at.session_state[ANSWERS_KEY]
    assert isinstance(answers, Answers)
    return answers


def _chosen(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "Chosen on the map" in m.value)


def _spec(at: AppTest, index: int = 0) -> dict[str, Any]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_clicking_a_region_adds_it_to_the_answers_and_the_list() -> None:
    at = _app()
    assert "nothing yet" in _chosen(at)
    _click(at, "region:outer_shin:left")
    assert _answers(at).regions == [RegionPain(region="outer_shin", side="left", intensity=5)]
    assert "Left outer shin (5/10)" in _chosen(at)


def test_a_click_is_applied_once_however_often_the_app_reruns() -> None:
    at = _app()
    _click(at, "region:calf:right")
    at.run()
    at.run()
    assert _answers(at).regions == [RegionPain(region="calf", side="right", intensity=5)]


def test_clicking_the_same_region_again_removes_it() -> None:
    at = _app()
    _click(at, "region:calf:right")
    _click(at, "region:calf:right")
    assert _answers(at).regions == []
    assert "nothing yet" in _chosen(at)


def test_clicking_a_site_reports_it_as_painful_along_the_nerve() -> None:
    at = _app()
    _click(at, "site:low_back")
    assert _answers(at).sites == [SiteReport(site="low_back", pain=True)]
    assert "Low back (painful, along the nerve)" in _chosen(at)


def test_the_map_shades_regions_chosen_elsewhere_in_the_answers() -> None:
    at = _app(Answers(regions=[RegionPain(region="heel", side="both", intensity=9)]))
    spec = json.dumps(_spec(at))
    colour = intensity_colour(9)
    rgba = f"rgba({int(colour[1:3], 16)},{int(colour[3:5], 16)},{int(colour[5:7], 16)},"
    assert rgba in spec
    assert "Left underside and inner heel (9/10)" not in _chosen(at)  # "both" is listed once, as chosen
    assert "Both sides: underside and inner heel (9/10)" in _chosen(at)
    # a click on the left heel leaves the right heel at the same strength
    _click(at, "region:heel:left")
    assert _answers(at).regions == [RegionPain(region="heel", side="right", intensity=9)]


def test_tampered_or_odd_events_change_nothing_and_show_no_error() -> None:
    start = Answers(regions=[RegionPain(region="calf", side="left", intensity=4)])
    at = _app(start)
    for customdata in ("region:elbow:left", "site:knee", 12, None, "region:calf:both", "x" * 10_000):
        _click(at, customdata)
        assert _answers(at) == start
    at.session_state[KEY] = {"selection": "nonsense"}
    at.run()
    assert not at.exception and _answers(at) == start
    assert not at.error


def test_results_map_follows_the_answers_and_can_show_dermatomes() -> None:
    at = _app()
    _click(at, "region:outer_shin:left")
    results = json.dumps(_spec(at, 1))
    assert "Superficial fibular" in results
    assert '"L5"' not in results
    at.toggle(key="bodymap_results_dermatomes").set_value(True).run()
    assert not at.exception
    assert '"L5"' in json.dumps(_spec(at, 1))

"""The results map of every example, drawn by Plotly in headless Chromium, kept as a picture.

No server: each figure (``build_results_figure``, the one the Results and clinician pages
show) is written to a page with Plotly's own JavaScript and shot to
artifacts/screenshots/results-map-<example>.png, for a person to look at. What the browser
drew is checked too: the legend lists the nerves in the ranked order, and no nerve that
runs only at the back of the body is drawn on the front figure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from plotly.offline import get_plotlyjs

from e2e.conftest import ARTIFACTS
from nervetriage.bodymap import build_results_figure, nerve_views, results_drawing, view_bounds, view_offsets
from nervetriage.examples import load_examples
from nervetriage.scoring import assess

pytestmark = pytest.mark.browser

EXAMPLES = {e.id: e for e in load_examples()}


@pytest.fixture(scope="module")
def sharp_page(browser) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A desktop-sized page at twice the pixel density, so the pictures show thin lines clearly."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_content('<html><body style="margin:0;background:#fff"><div id="map" style="width:1000px"></div></body></html>')
    page.add_script_tag(content=get_plotlyjs())  # once: each test only draws its figure
    yield page
    context.close()
    assert not errors, f"the page raised: {errors}"


@pytest.mark.parametrize("example_id", sorted(EXAMPLES))
def test_results_map_of_each_example_is_drawn_and_kept_as_a_picture(sharp_page, example_id: str) -> None:  # type: ignore[no-untyped-def]
    answers = EXAMPLES[example_id].fresh_answers()
    assessment = assess(answers)
    figure = build_results_figure(answers, assessment, cached=False)
    sharp_page.evaluate(
        "([fig]) => Plotly.newPlot('map', fig.data, fig.layout, {staticPlot: true})", [json.loads(figure.to_json())]
    )
    sharp_page.wait_for_selector(".js-plotly-plot .legend .traces")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sharp_page.screenshot(path=str(ARTIFACTS / f"results-map-{example_id}.png"), full_page=True)

    # the legend as drawn, left to right and top to bottom, is the drawing's legend: the
    # nerves in the ranked order, numbered 1, 2, 3...
    shown = sharp_page.eval_on_selector_all(
        ".legend .traces",
        """items => items
            .map(t => ({text: t.querySelector('.legendtext').textContent, box: t.getBoundingClientRect()}))
            .sort((a, b) => (Math.round(a.box.top) - Math.round(b.box.top)) || (a.box.left - b.box.left))
            .map(t => t.text)""",
    )
    assert shown == [e.label for e in results_drawing(answers, assessment).legend]
    ranked = [n for n in assessment.nerves[:4]]
    assert [t.split(".")[0] for t in shown if t[:1].isdigit()] == [str(i + 1) for i in range(len(ranked))]

    # nerves that run only at the back: none of their drawn points on the front figure
    front_x0, front_x1 = (view_offsets()["front"] + b for b in view_bounds("front")[:2])
    for trace in figure.data:
        group = trace.legendgroup or ""
        if group.startswith("nerve:") and nerve_views(group.removeprefix("nerve:")) == ("back",):
            xs = [x for x in trace.x if x == x]  # NaN separates the pieces
            assert not [x for x in xs if front_x0 <= x <= front_x1], f"{group} is drawn on the front figure"

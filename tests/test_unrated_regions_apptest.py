"""Areas a clinic marked, through AppTest: Where it hurts asks for a strength with none
chosen, keeps the clinic's mark once rated, and Results says which areas the clinic marked."""

from __future__ import annotations

from apptest_wizard import answers, go, has_key, new_app, set_widget, texts
from streamlit.testing.v1 import AppTest

from nervetriage.models import Answers, RegionPain
from nervetriage.safetext import literal
from nervetriage.scoring import UNRATED_INTENSITY
from nervetriage.ui.state import ANSWERS_KEY
from nervetriage.ui_text import load_ui_text

WHERE = load_ui_text().where
RESULTS = load_ui_text().results
CLINIC = "Riverside Physio & Co."


def _marked(clinic: str | None = CLINIC, **more: object) -> Answers:
    return Answers.model_validate(
        {
            "origin": {"clinic": clinic, "clinic_note": "Please fill this in before Tuesday"} if clinic is not None else None,
            "regions": [{"region": "heel", "side": "left", "intensity": None, "from_clinic": True}],
            **more,
        }
    )


def _open(page: str, start: Answers) -> AppTest:
    at = new_app()
    at.session_state[ANSWERS_KEY] = start
    return go(at, page)


def test_an_unrated_clinic_area_shows_who_marked_it_and_no_strength() -> None:
    at = _open("where", _marked())
    assert not has_key(at, "where:level:heel"), "no 0-10 slider claiming a strength"
    rate = at.button_group(key="where:rate:heel")  # pills, 0 to 10, none chosen
    assert rate.value is None
    assert list(rate.options) == [str(n) for n in range(11)]
    captions = [str(c.value) for c in at.caption]
    assert WHERE.marked_by.format(clinic=literal(CLINIC)) in captions
    assert WHERE.unrated_note.format(middle=UNRATED_INTENSITY) in captions
    assert "None/10" not in texts(at)
    assert "not rated yet, marked by the clinic" in texts(at)  # the list beside the map
    assert answers(at).regions == [RegionPain(region="heel", side="left", intensity=None, from_clinic=True)]


def test_choosing_a_strength_stores_it_keeps_the_clinics_mark_and_shows_the_slider() -> None:
    at = _open("where", _marked())
    set_widget(at, "where:rate:heel", 7)
    assert answers(at).regions == [RegionPain(region="heel", side="left", intensity=7, from_clinic=True)]
    assert not has_key(at, "where:rate:heel")
    assert at.slider(key="where:level:heel").value == 7
    assert WHERE.marked_by_rated.format(clinic=literal(CLINIC)) in [str(c.value) for c in at.caption]
    # changing the strength or the side keeps the area the clinic's
    set_widget(at, "where:level:heel", 3)
    set_widget(at, "where:side:heel", "both")
    assert answers(at).regions == [RegionPain(region="heel", side="both", intensity=3, from_clinic=True)]
    assert "(3/10, marked by the clinic)" in texts(at)


def test_changing_the_side_of_an_unrated_area_keeps_it_unrated() -> None:
    at = _open("where", _marked())
    set_widget(at, "where:side:heel", "right")
    assert answers(at).regions == [RegionPain(region="heel", side="right", intensity=None, from_clinic=True)]
    assert at.button_group(key="where:rate:heel").value is None


def test_adding_and_removing_areas_beside_a_clinic_mark_works_as_before() -> None:
    at = _open("where", _marked(clinic=None))
    assert WHERE.marked_by.format(clinic=WHERE.clinic_fallback) in [str(c.value) for c in at.caption]
    set_widget(at, "where:regions", ["heel", "calf"])
    set_widget(at, "where:side:calf", "right")
    assert at.slider(key="where:level:calf").value == 5
    set_widget(at, "where:level:calf", 8)
    assert answers(at).regions == [
        RegionPain(region="heel", side="left", intensity=None, from_clinic=True),
        RegionPain(region="calf", side="right", intensity=8),
    ]
    set_widget(at, "where:regions", ["calf"])
    assert answers(at).regions == [RegionPain(region="calf", side="right", intensity=8)]


def test_results_say_which_areas_the_clinic_marked_and_which_are_unrated() -> None:
    at = _open("results", _marked(red_flags=[], mimics=[]))
    page = texts(at)
    assert f"Marked in advance by {literal(CLINIC)}: Left underside and inner heel (not rated)" in page
    assert RESULTS.unrated_note.format(middle=UNRATED_INTENSITY) in page
    assert any(link.label == RESULTS.rate_link for link in at.get("page_link")), "a way back to rate it"
    assert "None/10" not in page
    # once rated, the result gives its strength and still credits the clinic
    go(at, "where")
    set_widget(at, "where:rate:heel", 7)
    page = texts(go(at, "results"))
    assert f"Marked in advance by {literal(CLINIC)}: Left underside and inner heel (7/10)" in page
    assert RESULTS.unrated_note.format(middle=UNRATED_INTENSITY) not in page


def test_rating_an_area_keeps_its_place_on_the_page() -> None:
    two = _marked().model_copy(
        update={"regions": [*_marked().regions, RegionPain(region="calf", side="right", intensity=None, from_clinic=True)]}
    )
    at = _open("where", two)
    set_widget(at, "where:rate:heel", 2)
    assert [(r.region, r.intensity) for r in answers(at).regions] == [("heel", 2), ("calf", None)]
    assert at.multiselect(key="where:regions").value == ["heel", "calf"]


def test_a_hostile_clinic_name_is_shown_as_plain_text_on_both_pages() -> None:
    name = "[Log in](https://evil.example) :red[now] www.evil.example"
    at = _open("where", _marked(clinic=name, red_flags=[], mimics=[]))
    captions = [str(c.value) for c in at.caption]
    assert WHERE.marked_by.format(clinic=literal(name)) in captions
    assert not any("](" in c or "https://" in c for c in captions)
    page = texts(go(at, "results"))
    assert f"Marked in advance by {literal(name)}: " in page
    assert "[Log in](https://evil.example)" not in page

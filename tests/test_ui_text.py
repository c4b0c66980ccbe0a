"""The wording file's placeholders: every field the page fills in must keep its braces."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from nervetriage.ui_text import UiText, _Text, load_ui_text


def _texts(model: BaseModel) -> list[_Text]:
    """Every wording block inside ``model`` (itself included), depth first."""
    found: list[_Text] = [model] if isinstance(model, _Text) else []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            found += _texts(value)
    return found


WITH_PLACEHOLDERS = [t for t in _texts(load_ui_text()) if t.placeholders]
CASES = [
    (type(text).__name__, field, placeholder)
    for text in WITH_PLACEHOLDERS
    for field, needed in text.placeholders.items()
    for placeholder in ((needed,) if isinstance(needed, str) else needed)
]


def test_the_shipped_wording_has_blocks_with_placeholders_to_check() -> None:
    names = {type(t).__name__ for t in WITH_PLACEHOLDERS}
    assert {"MapText", "WhereText", "ResultsText", "UrgentText", "UrgentReportText", "ReplaceText"} <= names
    assert isinstance(load_ui_text(), UiText)


@pytest.mark.parametrize(("block", "field", "placeholder"), CASES)
def test_a_wording_edit_that_drops_a_placeholder_is_refused_naming_the_field(block: str, field: str, placeholder: str) -> None:
    [text] = [t for t in WITH_PLACEHOLDERS if type(t).__name__ == block]
    data: dict[str, Any] = text.model_dump()
    assert placeholder in data[field]
    data[field] = data[field].replace(placeholder, "")
    with pytest.raises(ValidationError, match=f"{field} must contain"):
        type(text).model_validate(data)

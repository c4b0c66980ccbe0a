"""Step: sign 5 of the article's six signs (questions come from content/signs.yaml)."""

from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.steps import render_sign

ensure_frame()
render_sign(5)

"""NerveTriage core: validated answers in, an explained assessment out. Never imports streamlit."""

from nervetriage.models import Answers, Assessment
from nervetriage.scoring import assess

__all__ = ["Answers", "Assessment", "assess"]

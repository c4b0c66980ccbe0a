"""Shared test set-up: hypothesis profiles (CI runs a few more examples), and the body map's plotly.js."""

import os

import pytest
from hypothesis import HealthCheck, settings

from nervetriage.ui.plotly_asset import ensure_plotly_asset

settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_sessionstart(session: pytest.Session) -> None:
    """The body map loads plotly.js from its asset directory (nervetriage/ui/plotly_asset.py):
    put it there before any server starts, as ./run does after installing, so no server has
    to write it during a session (tests/e2e/test_no_server_writes.py)."""
    ensure_plotly_asset()

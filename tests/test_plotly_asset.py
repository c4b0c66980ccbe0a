"""The body map's plotly.js asset (nervetriage/ui/plotly_asset.py): the installed file, linked into the asset dir."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from nervetriage.ui import plotly_asset
from nervetriage.ui.plotly_asset import asset_is_current, ensure_plotly_asset, installed_plotly_js, plotly_js_version

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_plotly_js_has_a_version() -> None:
    source = installed_plotly_js()
    assert source.name == "plotly.min.js" and source.parent.name == "package_data"
    version = plotly_js_version(source)
    assert version is not None and version[0].isdigit()


def test_a_missing_asset_is_hard_linked_and_then_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "vendor" / "plotly.min.js"
    assert ensure_plotly_asset(target) is True
    assert os.path.samefile(target, installed_plotly_js()) or target.read_bytes() == installed_plotly_js().read_bytes()
    before = target.stat()
    assert ensure_plotly_asset(target) is False, "a current asset is not written again"
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    assert [p.name for p in target.parent.iterdir()] == ["plotly.min.js"], "no partial file is left"


def test_an_outdated_asset_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "plotly.min.js"
    target.write_text("/**\n* plotly.js v0.0.1\n*/\n")
    assert not asset_is_current(target=target)
    assert ensure_plotly_asset(target) is True
    assert asset_is_current(target=target)


def test_where_no_link_can_be_made_the_file_is_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*_args: object) -> None:
        raise OSError("cross-device link")

    monkeypatch.setattr(plotly_asset.os, "link", no_links)
    target = tmp_path / "plotly.min.js"
    assert ensure_plotly_asset(target) is True
    assert not os.path.samefile(target, installed_plotly_js())
    assert target.read_bytes() == installed_plotly_js().read_bytes()
    assert asset_is_current(target=target)


def test_the_asset_lives_in_the_components_asset_dir_and_is_not_committed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    components = {c["name"]: c for c in config["tool"]["streamlit"]["component"]["components"]}
    assert components["bodymap"]["asset_dir"] == "ui/assets"
    assert plotly_asset.VENDOR_FILE == ROOT / "nervetriage" / "ui" / "assets" / plotly_asset.VENDOR_URL
    assert "nervetriage/ui/assets/vendor/" in (ROOT / ".gitignore").read_text().splitlines()
    assert "vendor/plotly.min.js" in (ROOT / "nervetriage" / "ui" / "assets" / "bodymap.js").read_text(), "the script loads it from there"
    assert plotly_asset.VENDOR_FILE.is_file() and not plotly_asset.VENDOR_FILE.is_symlink(), "a file, not a symlink out of the asset dir"

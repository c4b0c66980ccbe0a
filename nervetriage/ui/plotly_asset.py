"""plotly.js for the body-map component, as a file of this package.

The tappable map (``nervetriage/ui/bodymap_widget.py``) draws with the plotly.js that ships
inside the installed plotly package (``plotly/package_data/plotly.min.js``), never a CDN.
Streamlit serves a component's files only from inside its declared ``asset_dir`` and refuses a
symlink that leads out of it, so the file is placed there: ``ui/assets/vendor/plotly.min.js``
(git-ignored), hard-linked to the installed one (copied where a link cannot be made).

``ensure_plotly_asset()`` runs right after installation (``./run``, the Dockerfile) and at the
start of a test session; the component only calls it when the file is missing, so a normal
session writes nothing. ``python -m nervetriage.ui.plotly_asset`` runs it from a shell.
No Streamlit or plotly import here: the check is a stat and a few bytes read.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

ASSET_DIR = Path(__file__).resolve().parent / "assets"
VENDOR_FILE = ASSET_DIR / "vendor" / "plotly.min.js"
#: The asset's path as the component's JavaScript asks for it (relative to its asset_dir).
VENDOR_URL = "vendor/plotly.min.js"
_VERSION = re.compile(rb"plotly\.js v(\d+\.\d+\.\d+\S*)")


class PlotlyAssetError(RuntimeError):
    """The installed plotly.js cannot be found, or cannot be put into the asset directory."""


def installed_plotly_js() -> Path:
    """The plotly.min.js of the installed plotly package."""
    spec = importlib.util.find_spec("plotly")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / "package_data" / "plotly.min.js"
        if candidate.is_file():
            return candidate
    raise PlotlyAssetError("plotly is not installed (no plotly/package_data/plotly.min.js)")


def plotly_js_version(path: Path) -> str | None:
    """The version in the file's banner (``plotly.js v4.1.1``), or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return None
    match = _VERSION.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def asset_is_current(source: Path | None = None, target: Path = VENDOR_FILE) -> bool:
    """True when ``target`` is the installed plotly.js: the same file, or the same size and version."""
    source = source or installed_plotly_js()
    try:
        if os.path.samefile(source, target):
            return True
        if source.stat().st_size != target.stat().st_size:
            return False
    except OSError:
        return False
    version = plotly_js_version(source)
    return version is not None and version == plotly_js_version(target)


def ensure_plotly_asset(target: Path = VENDOR_FILE) -> bool:
    """Make ``target`` the installed plotly.js (hard link, else copy); True if it had to be written.

    Written next to the target first and then renamed over it, so a server never serves half a file.
    """
    source = installed_plotly_js()
    if asset_is_current(source, target):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        try:
            os.link(source, partial)
        except OSError:  # another file system, or links not allowed: a copy does as well
            shutil.copyfile(source, partial)
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise PlotlyAssetError(f"cannot write {target}: {exc}") from exc
    return True


def main() -> int:
    try:
        written = ensure_plotly_asset()
    except PlotlyAssetError as exc:
        print(f"plotly.js asset: {exc}", file=sys.stderr)
        return 1
    if written:
        print(f"plotly.js {plotly_js_version(VENDOR_FILE)} placed in {VENDOR_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

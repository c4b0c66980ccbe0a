"""NerveTriage entry point: the frame (navigation, banners, progress) around the pages."""

from nervetriage.ui.frame import run_app

run_app()

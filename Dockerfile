# NerveTriage: one stateless Streamlit server. Build: docker build -t nervetriage .
# Run:   docker run -p 8501:8501 -e STREAMLIT_SERVER_COOKIE_SECRET=<same on every replica> nervetriage
# The server keeps no health data and writes no files, so the container can run with a
# read-only root filesystem (docker run --read-only) and be replicated behind a load
# balancer with sticky sessions; see docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first (from pyproject.toml), so code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY nervetriage/ ./nervetriage/
# The body map's plotly.js goes into its asset directory from the installed plotly package
# (nervetriage/ui/plotly_asset.py): the image's file system can then be read-only.
RUN pip install --editable . \
    && python -m nervetriage.ui.plotly_asset \
    && python -m compileall -q /app/nervetriage

# The app itself: entry point, pages, clinical content and examples, and the very same
# Streamlit configuration the app runs with in development (theme, upload limit, XSRF).
COPY app.py ./
COPY pages/ ./pages/
COPY content/ ./content/
COPY examples/ ./examples/
COPY .streamlit/config.toml ./.streamlit/config.toml
RUN python -m compileall -q /app/pages /app/app.py \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin nervetriage

USER nervetriage

EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]

CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]

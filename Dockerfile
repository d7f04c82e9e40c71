# JinLotto web service: slim image, non-root user, health check on /api/health.
# BASE_IMAGE is any Debian-like image with Python 3.11+ and its venv module (python3-venv);
# scripts/verify-image.sh builds on a base made locally from Debian packages.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
# Trust the base image's CA store (uv and pip otherwise bring their own), so a base that adds a
# TLS-inspecting proxy's CA can still reach PyPI. Build stage only.
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# uv from PyPI, in a venv of its own so the base's Python stays untouched.
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project
COPY src ./src
COPY gunicorn.conf.py ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-editable

FROM ${BASE_IMAGE}
RUN useradd --create-home --uid 10001 jinlotto \
    && mkdir -p /app/data && chown jinlotto:jinlotto /app/data
WORKDIR /app
COPY --from=build --chown=jinlotto:jinlotto /app/.venv /app/.venv
COPY --from=build --chown=jinlotto:jinlotto /app/gunicorn.conf.py /app/
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    MODEL_DIR=/app/data/models \
    DATABASE_URL=sqlite:////app/data/jinlotto.db \
    PORT=8000
USER jinlotto
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/api/health', timeout=2)"
# Migrate, then serve.
CMD ["sh", "-c", "jinlotto db upgrade && exec gunicorn -c gunicorn.conf.py"]

# JinLotto web service: slim image, non-root user, health check on /api/health.
FROM python:3.11-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /usr/local/bin/uv
WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/app/.venv
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY src ./src
COPY gunicorn.conf.py ./
RUN uv sync --frozen --no-dev

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 jinlotto
WORKDIR /app
COPY --from=build --chown=jinlotto:jinlotto /app /app
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    MODEL_DIR=/app/data/models \
    DATABASE_URL=sqlite:////app/data/jinlotto.db \
    PORT=8000
RUN mkdir -p /app/data && chown jinlotto:jinlotto /app/data
USER jinlotto
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/api/health', timeout=2)"
# Migrate, then serve.
CMD ["sh", "-c", "jinlotto db upgrade && exec gunicorn -c gunicorn.conf.py"]

# syntax=docker/dockerfile:1
# Production image: gunicorn serving crm.wsgi (the same image runs the Celery worker and beat,
# see docker-compose.yml). Dependencies come from requirements.lock, installed the way
# `make setup` installs requirements-dev.lock: a venv, uv 0.13.8, `uv pip sync`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install uv==0.13.8 \
    && /opt/venv/bin/uv pip sync --no-cache --python /opt/venv/bin/python requirements.lock \
    && /opt/venv/bin/pip uninstall --yes uv

# The code belongs to root: the app user can read it, not change it.
COPY . .

# Collect static files (served by WhiteNoise) with production settings. The secret key is a
# placeholder that exists only in this step; the running container must be given its own.
RUN CRM_ENV=production \
    SECRET_KEY=build-time-only-placeholder-not-a-secret-0123456789abcdef \
    python manage.py collectstatic --noinput

USER app

ENV CRM_ENV=production \
    WEB_CONCURRENCY=2 \
    GUNICORN_TIMEOUT=30

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# gunicorn takes its number of workers from WEB_CONCURRENCY (2 by default, set above);
# further options can go in GUNICORN_CMD_ARGS.
CMD ["sh", "-c", "exec gunicorn crm.wsgi:application --bind 0.0.0.0:8000 --workers \"${WEB_CONCURRENCY}\" --timeout \"${GUNICORN_TIMEOUT}\" --access-logfile - --error-logfile -"]

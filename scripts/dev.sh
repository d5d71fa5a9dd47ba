#!/usr/bin/env bash
# `make dev`: services, migrations, demo data, then the web server and a Celery worker
# together. Ctrl-C (or a TERM) stops both; so does either one exiting.
# The embedded PostgreSQL and Redis keep running (`make stop` stops them).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
HOST="${DEV_HOST:-0.0.0.0}"
PORT="${DEV_PORT:-8000}"

services_env="$("$PY" -m scripts.devservices env)"
eval "$services_env"
export DATABASE_URL REDIS_URL

"$PY" manage.py migrate --noinput
"$PY" manage.py ensure_demo

pids=()
stop_all() {
    trap - EXIT INT TERM
    local pid alive
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 100); do
        alive=0
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then alive=1; fi
        done
        if [[ $alive == 0 ]]; then break; fi
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_all EXIT
trap 'echo "dev: stopping the web server and the worker" >&2; stop_all; exit 130' INT
trap 'echo "dev: stopping the web server and the worker" >&2; stop_all; exit 143' TERM

"$VENV/bin/celery" -A crm worker -l info &
pids+=("$!")
"$PY" manage.py runserver "$HOST:$PORT" &
pids+=("$!")

cat <<INFO

dev: web server on http://localhost:$PORT and a Celery worker (Ctrl-C stops both)
  admin    http://localhost:$PORT/admin/
  health   http://localhost:$PORT/healthz
  sign in  POST http://localhost:$PORT/auth/token
  DATABASE_URL=$DATABASE_URL
  REDIS_URL=$REDIS_URL
  The embedded PostgreSQL and Redis, when used, keep running: \`make stop\` stops them.

INFO

# Returns when either process exits, or on a signal (the traps above handle those).
status=0
wait -n "${pids[@]}" || status=$?
echo "dev: a process exited (status $status); stopping the other" >&2
exit "$status"

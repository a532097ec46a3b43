#!/bin/sh
# Apply migrations (safe to repeat; upgrades need nothing else), then serve.
set -eu
python manage.py migrate --noinput
exec gunicorn config.wsgi \
    --bind "0.0.0.0:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --timeout 60 \
    --no-control-socket \
    --access-logfile -

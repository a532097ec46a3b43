#!/bin/sh
# Apply migrations (safe to repeat; upgrades need nothing else), purge expired
# sign-ins now and daily, then serve.
set -eu
python manage.py migrate --noinput
python manage.py purge_expired
( while sleep 86400; do python manage.py purge_expired || true; done ) &
exec gunicorn config.wsgi \
    --bind "0.0.0.0:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --timeout 60 \
    --no-control-socket \
    --access-logfile -

# Titrate: gunicorn serving Django, static files through WhiteNoise.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    DATA_DIR=/app/data \
    PORT=8000

WORKDIR /app

# WeasyPrint (printable PDFs) draws text with Pango.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected at build time; the key below exists only for this
# step and is never used by the running app.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 1000 --home-dir /app titrate \
    && mkdir -p /app/data \
    && chown titrate /app/data

USER titrate
EXPOSE 8000

CMD ["sh", "docker/entrypoint.sh"]

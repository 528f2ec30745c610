FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_HASHED=1

WORKDIR /app

# The lock carries hashes, so pip refuses anything that differs from what was locked.
COPY requirements.lock .
RUN pip install -r requirements.lock

COPY . .

# STATIC_HASHED gives the files hashed, compressed names; no database is touched here.
# DEBUG=1 for this one command only: the image holds no keys, they come with the environment.
RUN mkdir -p staticfiles data/exports \
    && DEBUG=1 DATA_DIR=/tmp/build-data \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data \
    && useradd --system --no-create-home --home-dir /app moments \
    && chown -R moments:moments staticfiles data

USER moments
EXPOSE 8000
# gunicorn's default 30 s: an export too big to write within a request is written by the
# Celery worker instead (dashboards/export_jobs.py, EXPORT_JOB_ROWS).
CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000", "-w", "3", "--timeout", "30"]

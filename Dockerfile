# The portal's one image: web (gunicorn), Celery worker and beat run it with different commands.
FROM python:3.11-slim-bookworm

# PYTHONPATH: the source tree wins over the copy `pip install .` puts in site-packages, so the
# settings find templates/ and static/ next to ent/ and apps outside the wheel still import.
# gunicorn reads its settings from GUNICORN_CMD_ARGS and WEB_CONCURRENCY (workers), so the CMD
# below and docker-compose.yml's `exec gunicorn ent.wsgi:application` run the same server; gthread
# keeps a worker answering the arbiter while a thread receives a long AAF upload, the long timeout
# covers slow clients anyway, and /dev/shm avoids heartbeat stalls on overlayfs.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=ent.settings \
    ENT_VAR_DIR=/data/var \
    ENT_MEDIA_ROOT=/data/media \
    ENT_STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3 \
    GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --worker-class gthread --threads 4 --timeout 600 --graceful-timeout 30 --worker-tmp-dir /dev/shm --access-logfile -"

WORKDIR /app

# WeasyPrint (distribution letters) draws text with Pango; DejaVu covers French accents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml README.md* ./
RUN pip install .

COPY . .
RUN pip install --no-deps --force-reinstall . \
    && rm -rf build ./*.egg-info \
    && ENT_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0

# Code and static files stay root-owned, read-only for the app; it writes to /data and its home
# (gunicorn ≥ 27 puts its control socket there). A fresh named volume mounted on /data/media
# takes this directory's owner.
RUN groupadd --system --gid 1000 ent \
    && useradd --system --uid 1000 --gid ent --home-dir /home/ent --create-home ent \
    && mkdir -p /data/media /data/var \
    && chown -R ent:ent /data
USER ent

EXPOSE 8000

CMD ["gunicorn", "ent.wsgi:application"]

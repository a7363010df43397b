# Samverkan portal image: gunicorn by default; the same image runs the Celery
# worker and beat and the one-shot migration (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1

# uv from PyPI, the same release as the project's bootstrap (.tools/bin/uv).
RUN pip install "uv==0.13.8"

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
       --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN uv sync --frozen --no-dev

ENV PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=portal.settings \
    SAMVERKAN_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media

# Static files are collected into the image. The SECRET_KEY here is a throwaway,
# made for this step only: settings refuse to load without one when DEBUG is off,
# and nothing in this step signs anything. It is not kept in any layer or in the
# image's environment. The var dir of this step is thrown away too.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DEBUG=0 \
    SAMVERKAN_VAR_DIR=/tmp/build-var \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

# Checks /healthz on the local gunicorn, sending as Host the first ALLOWED_HOSTS
# entry so that Django accepts it whatever hosts are configured. 503 (database or
# broker unreachable) raises and so fails the check, as does anything but 200.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r = u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=8); sys.exit(0 if r.status == 200 else 1)"]

CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]

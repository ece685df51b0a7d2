# The portal's image, for docker-compose.yml: web (gunicorn), worker and beat all run it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pinned set changes.
COPY requirements.lock ./
RUN pip install -r requirements.lock

# The code, folder by folder: nothing else from the checkout (.env, .venv, db.sqlite3) may
# end up in the image.
COPY manage.py pyproject.toml ./
COPY portal ./portal
COPY funding ./funding
COPY clusters ./clusters
COPY offers ./offers
COPY alerts ./alerts
COPY templates ./templates
COPY static ./static

# Static files are collected (hashed and compressed for WhiteNoise) into the image. The
# settings need a secret to load; this one exists only during this step.
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input --verbosity 0

# Run as an unprivileged user, who may write only uploads (media) and beat's schedule (var).
RUN useradd --system --uid 10001 --user-group --no-create-home portal \
    && mkdir -p /app/media /app/var \
    && chown portal:portal /app/media /app/var
USER portal

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind=0.0.0.0:8000"]

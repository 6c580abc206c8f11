FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SHELFMARK_VAR_DIR=/var/lib/shelfmark

WORKDIR /app
# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN useradd --system --home /app shelfmark \
    && mkdir -p /var/lib/shelfmark \
    && chown shelfmark /var/lib/shelfmark \
    && DEBUG=false MANIFEST_STATIC=true SECRET_KEY=build-only \
       python manage.py collectstatic --no-input

USER shelfmark
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

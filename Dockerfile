# The production image: one image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY pyproject.toml README.md manage.py ./
COPY wargame ./wargame
COPY exercises ./exercises
COPY static ./static
RUN pip install .

# collectstatic only reads files: a throwaway key lets the settings load with DEBUG off.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput

RUN useradd --system --create-home wargame && chown wargame /app
USER wargame

EXPOSE 8000
CMD ["uvicorn", "wargame.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "on"]

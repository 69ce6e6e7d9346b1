# Production-like image: gunicorn for the web, the same image runs worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DATA_DIR=/app/data PORT=8000

WORKDIR /app
RUN useradd --create-home --uid 1000 workflow
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --no-input \
    && mkdir -p /app/data && chown -R workflow /app/data

USER workflow
EXPOSE 8000
CMD ["sh", "-c", "gunicorn workflow.wsgi --bind 0.0.0.0:${PORT} --workers 3 --access-logfile -"]

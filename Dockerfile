# One image for web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# pango and DejaVu: WeasyPrint lays out the clinician report's PDF with them.
RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY backcore ./backcore
COPY programs ./programs
COPY exercises ./exercises
COPY community ./community
COPY payments ./payments
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs no secrets; production checks run at start-up instead.
RUN DJANGO_ENV=development python manage.py collectstatic --noinput
RUN useradd --create-home backcore && chown -R backcore /app
USER backcore
EXPOSE 8000
CMD ["gunicorn", "backcore.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

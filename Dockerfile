# Rebuttal chat bot. Build: docker build -t rebuttal .   Run: see docker-compose.yml.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REBUTTAL_DB=/data/rebuttal.sqlite3 \
    REBUTTAL_CONTENT_DIR=/app/content

WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN pip install . \
    && useradd --create-home --uid 10001 rebuttal \
    && mkdir -p /data && chown rebuttal:rebuttal /data

USER rebuttal
VOLUME ["/data"]
# The bot is PID 1 and handles SIGTERM (docker stop) like Ctrl-C: no new clicks, those in
# flight finished, database closed, exit 0, within the 10 s before Docker sends SIGKILL.
STOPSIGNAL SIGTERM
ENTRYPOINT ["rebuttal"]
CMD ["run", "discord"]

# convviz production image: slim Python, dependencies in their own cached layer, non-root.
#
#   docker build -t convviz .
#   docker run -p 8000:8000 -e CONVVIZ_WORKERS=2 convviz
#
# Every setting is an environment variable (README, "Production"): CONVVIZ_HOST,
# CONVVIZ_PORT, CONVVIZ_WORKERS, CONVVIZ_CORS_ORIGINS and each size limit
# (CONVVIZ_MAX_BODY_BYTES, ...). tests/test_deploy.py lints this file with hadolint and
# replays its install, start and health-check commands in a fresh virtual environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    CONVVIZ_HOST=0.0.0.0 \
    CONVVIZ_PORT=8000 \
    CONVVIZ_WORKERS=2

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin convviz

WORKDIR /srv/convviz

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); print('\n'.join(d['project']['dependencies']))" > requirements.txt \
    && pip install --requirement requirements.txt \
    && rm requirements.txt

# Then the package itself (templates and static files go inside it).
COPY app ./app
COPY engine ./engine
COPY templates ./templates
COPY static ./static
RUN pip install --no-deps .

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['CONVVIZ_PORT'] + '/api/health', timeout=2)"]
CMD ["convviz"]

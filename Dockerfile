# convviz production image: slim Python, dependencies in their own cached layer, non-root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    CONVVIZ_HOST=0.0.0.0 \
    CONVVIZ_PORT=8000 \
    CONVVIZ_WORKERS=2

WORKDIR /srv/convviz

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); print('\n'.join(d['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY app ./app
COPY engine ./engine
COPY templates ./templates
COPY static ./static
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --no-create-home convviz

USER convviz
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['CONVVIZ_PORT'] + '/api/health', timeout=2)"]
CMD ["convviz"]

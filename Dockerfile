# The orggraph API and CLI. Built by docker-compose.yml; runs `orggraph serve` against Neo4j.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Pango for WeasyPrint (the chair's brief as PDF); fonts so the PDF has glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (cached while only the code changes), then the code.
COPY pyproject.toml README.md ./
COPY orggraph ./orggraph
COPY loaders ./loaders
COPY api ./api
COPY viz ./viz
COPY orggraph_cli ./orggraph_cli
COPY orggraph_demo ./orggraph_demo
RUN pip install . && useradd --create-home --uid 10001 orggraph

USER orggraph
EXPOSE 8000
# Store and credentials come from the environment (ORGGRAPH_STORE, NEO4J_USER, NEO4J_PASSWORD,
# ORGGRAPH_API_KEYS); nothing secret is baked into the image.
CMD ["orggraph", "serve", "--host", "0.0.0.0", "--port", "8000"]

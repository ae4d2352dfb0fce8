# The newsarchive Airflow image: Airflow 3.3.2 with the Celery and PostgreSQL providers, the
# `pipeline` library and the DAGs. Every Airflow service of docker-compose.yml runs this image.
FROM python:3.11-slim-bookworm

ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow

RUN useradd --uid 50000 --create-home airflow \
 && mkdir -p /opt/airflow /var/lib/newsarchive/archive /var/lib/newsarchive/inbox \
 && chown -R airflow /opt/airflow /var/lib/newsarchive

WORKDIR /opt/newsarchive
COPY pyproject.toml constraints.txt README.md ./
COPY schemas ./schemas
COPY pipeline ./pipeline
# pipeline/schemas links to schemas/: the wheel carries the table contracts. Pinned by constraints.txt.
RUN pip install --upgrade pip \
 && pip install -c constraints.txt '.[airflow]'
COPY dags ./dags

USER airflow
ENTRYPOINT ["airflow"]

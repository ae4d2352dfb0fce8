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
COPY pyproject.toml constraints.txt ./
COPY pipeline ./pipeline
COPY schemas ./schemas
# Editable: the library reads schemas/ beside the source tree. Pinned by constraints.txt.
RUN pip install --upgrade pip \
 && pip install -c constraints.txt -e '.[airflow]'
COPY dags ./dags

USER airflow
ENTRYPOINT ["airflow"]

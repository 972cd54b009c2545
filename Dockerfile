# The flask-pick web builder, for a team to host: docker build -t flask-pick . && docker run -p 8000:8000 flask-pick
FROM python:3.12-slim

# git: a downloaded project comes with its first commit unless git=no is asked.
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
RUN pip install --no-cache-dir . "gunicorn>=23" && rm -rf /src

RUN useradd --create-home builder
USER builder
WORKDIR /home/builder
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
# Threads serve the page while another request renders a project (~1 s of Copier work).
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--timeout", "60", "recommender.web:create_app()"]

FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY cypher ./cypher
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["kith", "serve", "--host", "0.0.0.0", "--port", "8000"]

"""OpenAPI 3.1 documents of the REST API, generated per workspace from its metadata."""

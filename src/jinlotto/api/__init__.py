"""The HTTP API: create_app(settings), dependencies, error handlers, schemas and routes."""

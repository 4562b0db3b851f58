"""The HTTP API under `/api/v1/`: parse, authenticate, call one use case, shape the response.

`routes.ROUTES` is the one table of every route; the URL patterns and the OpenAPI document are
both generated from it, so neither can drift from what is served.
"""

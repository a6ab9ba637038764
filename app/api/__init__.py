"""The JSON API under /api/v1: bearer tokens, the same services and policies as the web."""

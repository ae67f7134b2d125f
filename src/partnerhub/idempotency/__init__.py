"""Idempotency keys (``X-Client-Token``) for money-moving requests: a retry returns the first response."""

"""The web partner center at ``/console``: server-rendered pages over the same services as the API."""

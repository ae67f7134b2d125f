"""Personal real-name authentication (SPEC A.25, A.26)."""

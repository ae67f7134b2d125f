"""Step-up verification: a fresh code to the partner's own contact before a sensitive operation."""

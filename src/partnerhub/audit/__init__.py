"""The append-only, per-partner hash-chained audit log (who did what to which object, never the values)."""

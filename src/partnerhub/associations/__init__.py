"""Association requests (disassociate, switch type) as one state machine, their records, and re-association
by invitation (SPEC D.1, D.2; docs/associations.md)."""

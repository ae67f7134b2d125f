"""Step-up verification before sensitive operations (STAND-IN package; the invitations branch owns it)."""

"""Reseller invitations: a distributor's single-use registration links and the public registration."""

"""Funding: fund and reclaim customers and resellers, batch funding, records and balances."""

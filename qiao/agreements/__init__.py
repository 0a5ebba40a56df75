"""Agreements and governance: agreements, commitments, committees, meetings, decisions,
action items, the KPI metric registry and the contribution ledger."""

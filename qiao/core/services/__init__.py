"""Every write in core. Keyword-only, atomic, audited."""

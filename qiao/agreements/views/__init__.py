"""Pages of the agreements app: thin views over the selectors and services."""

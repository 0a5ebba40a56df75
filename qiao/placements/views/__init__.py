"""Pages of placements: thin views that parse, call a selector or service, render."""

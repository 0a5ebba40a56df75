"""Placements: sites, openings, placement rounds allocated by qiao.allocation, placements."""

"""Talent ranking: index and scoring for the international talent pool (pure: no Django).

Built by the talent-pool issue; declared now so its import contract holds from the start.
"""

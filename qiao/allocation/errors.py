"""Errors of the allocation engine."""

from __future__ import annotations


class ProblemError(ValueError):
    """Bad input: names the place (``openings[3].capacity``) and what is wrong there.

    ``str(error)`` reads ``"openings[3].capacity: must be a non-negative integer, got -1"``.
    """

    def __init__(self, place: str, message: str) -> None:
        super().__init__(f"{place}: {message}")
        self.place = place
        self.message = message


class AllocationError(RuntimeError):
    """The engine could not produce an allocation (e.g. the flow solver failed)."""

"""The broader/narrower tree as a map of codes, for checks that must see a whole file at once.

Imports and bulk loads validate row by row before anything is written, so they cannot ask the
database whether a new broader link closes a cycle: this map is the database overlaid with the
rows seen so far.
"""

from __future__ import annotations

from qiao.skills.models import Skill


class ParentMap:
    """code → broader code ("" for a top-level skill)."""

    def __init__(self, parents: dict[str, str] | None = None) -> None:
        self.parents: dict[str, str] = dict(parents or {})

    @classmethod
    def from_db(cls) -> ParentMap:
        return cls(
            {
                code: broader or ""
                for code, broader in Skill.objects.values_list("code", "broader__code")
            }
        )

    def knows(self, code: str) -> bool:
        return code in self.parents

    def broader_of(self, code: str) -> str:
        return self.parents.get(code, "")

    def would_cycle(self, code: str, broader: str) -> bool:
        """Whether making `broader` the broader skill of `code` closes a loop."""
        seen: set[str] = set()
        current = broader
        while current:
            if current == code:
                return True
            if current in seen:  # an existing loop elsewhere; not ours to report
                return False
            seen.add(current)
            current = self.parents.get(current, "")
        return False

    def set(self, code: str, broader: str) -> None:
        self.parents[code] = broader

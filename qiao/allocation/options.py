"""Options of an allocation run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import ProblemError

Proposing = Literal["students", "openings"]
Objective = Literal["stable", "welfare"]
TieBreaking = Literal["single", "multiple"]

PROPOSING: tuple[Proposing, ...] = ("students", "openings")
OBJECTIVES: tuple[Objective, ...] = ("stable", "welfare")
TIE_BREAKING: tuple[TieBreaking, ...] = ("single", "multiple")


@dataclass(frozen=True, slots=True)
class Options:
    """How to allocate.

    - ``proposing``: ``"students"`` (student-optimal stable, strategy-proof for students) or
      ``"openings"`` (opening-optimal stable). Ignored by the welfare objective.
    - ``objective``: ``"stable"`` (deferred acceptance) or ``"welfare"`` (minimum total rank
      cost by min-cost flow; may leave blocking pairs, which are counted).
    - ``tie_breaking``: ``"single"`` (one lottery over students for every opening) or
      ``"multiple"`` (one lottery per opening). Only openings given by scores can tie.
    - ``seed``: seed of the lottery (``numpy.random.Generator(PCG64(seed))``); recorded.
    - ``unmatched_cost``: welfare cost of leaving a student unplaced; ``None`` means the longest
      preference list plus one.
    - ``max_listed``: at most this many blocking pairs and violations are listed (all are
      counted).
    """

    proposing: Proposing = "students"
    objective: Objective = "stable"
    tie_breaking: TieBreaking = "single"
    seed: int = 0
    unmatched_cost: int | None = None
    max_listed: int = 100

    def __post_init__(self) -> None:
        _choice("options.proposing", self.proposing, PROPOSING)
        _choice("options.objective", self.objective, OBJECTIVES)
        _choice("options.tie_breaking", self.tie_breaking, TIE_BREAKING)
        _integer("options.seed", self.seed, 0)
        if self.unmatched_cost is not None:
            _integer("options.unmatched_cost", self.unmatched_cost, 0)
        _integer("options.max_listed", self.max_listed, 0)


def _choice(place: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        names = ", ".join(f'"{a}"' for a in allowed)
        raise ProblemError(place, f"must be one of {names}, got {value!r}")


def _integer(place: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ProblemError(place, f"must be an integer >= {minimum}, got {value!r}")

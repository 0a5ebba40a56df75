"""Qiao's allocation engine: stable (and welfare-optimal) allocation of students to openings.

Pure: numpy, numba and OR-Tools; no Django, no other qiao module. The placements app calls it
through one adapter. See docs/allocation.md for the algorithms, the stability notion under
quotas, the JSON interchange format and how to read an explanation.

    >>> from qiao.allocation import Opening, Options, Problem, Student, allocate
    >>> problem = Problem.build(
    ...     [Student("ana", ["lab"]), Student("bo", ["lab"])],
    ...     [Opening("lab", capacity=1, priority=["bo", "ana"])],
    ... )
    >>> allocate(problem, Options()).assignments()
    {'ana': None, 'bo': 'lab'}
"""

from .engine import PHASES, ProgressCallback, allocate, assess, draw_lottery
from .errors import AllocationError, ProblemError
from .explain import sentence
from .jsonio import DEFAULT_MAX_BYTES, Document, read_document
from .options import Options
from .problem import Opening, Problem, Student
from .result import (
    ChoiceExplanation,
    GroupCutoff,
    GroupFill,
    Lottery,
    Metrics,
    OpeningExplanation,
    Result,
    StudentExplanation,
    Verification,
    Violation,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PHASES",
    "AllocationError",
    "ChoiceExplanation",
    "Document",
    "GroupCutoff",
    "GroupFill",
    "Lottery",
    "Metrics",
    "Opening",
    "OpeningExplanation",
    "Options",
    "Problem",
    "ProblemError",
    "ProgressCallback",
    "Result",
    "Student",
    "StudentExplanation",
    "Verification",
    "Violation",
    "allocate",
    "assess",
    "draw_lottery",
    "read_document",
    "sentence",
]

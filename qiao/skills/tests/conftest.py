from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from qiao.skills.matching import skill_index_clear
from qiao.skills.services import UpsertResult, catalogue_load


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    """Each test builds its own matcher index (tests roll back the tables under it)."""
    skill_index_clear()
    yield
    skill_index_clear()


@pytest.fixture
def catalogue(db: Any) -> UpsertResult:
    """The default catalogue, loaded through the service."""
    return catalogue_load(actor=None)

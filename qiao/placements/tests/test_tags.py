"""An allocation run's options are shown in words, in the reader's language."""

from __future__ import annotations

from django.utils import translation

from qiao.placements.templatetags.placements_tags import run_options


def test_options_in_words() -> None:
    options = {"objective": "stable", "proposing": "students", "tie_breaking": "single"}
    with translation.override("en"):
        assert run_options(options) == (
            "Stable (deferred acceptance) · Students (best for students) · "
            "One lottery for all openings"
        )
    with translation.override("zh-hans"):
        assert "稳定" in run_options(options)
    assert run_options({}) == ""
    assert run_options({"objective": "unknown"}) == "unknown"

"""`qiao allocate`: success, and every kind of bad input (exit 2, place named, no traceback)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qiao.allocation import Problem, ProblemError, read_document
from qiao.allocation.cli import main

ROOT = Path(__file__).resolve().parents[3]

GOOD: dict[str, Any] = {
    "students": [
        {"id": "s1", "preferences": ["o1", "o2"], "groups": ["major:cs"]},
        {"id": "s2", "preferences": ["o1"], "groups": ["major:cs"]},
        {"id": "s3", "preferences": ["o2", "o1"]},
    ],
    "openings": [
        {"id": "o1", "capacity": 2, "priority": ["s2", "s1", "s3"], "quotas": {"major:cs": 1}},
        {"id": "o2", "capacity": 1, "scores": {"s1": 87.5, "s3": 87.5}},
    ],
    "options": {
        "proposing": "students",
        "objective": "stable",
        "tie_breaking": "single",
        "seed": 7,
    },
}


def write(tmp_path: Path, doc: Any, name: str = "in.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def test_success_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    assert main([write(tmp_path, GOOD), "-o", str(out), "--explain", "s1"]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) == {
        "format", "assignments", "unassigned", "metrics", "verification", "explanations",
        "ineligible_choices", "run",
    }  # fmt: skip
    assert result["verification"]["valid"] and result["verification"]["blocking_pairs"] == 0
    assert result["assignments"]["s2"] == "o1"
    assert result["assignments"]["s1"] == "o2" or result["assignments"]["s3"] == "o2"
    assert result["ineligible_choices"] == {"s2": []} or "s2" not in result["ineligible_choices"]
    assert result["run"]["seed"] == 7 and result["run"]["lottery"]
    assert result["explanations"]["students"]["s1"]["above"][0]["code"] == "quota_full"
    err = capsys.readouterr().err
    assert "placed 3 of 3 students" in err
    assert "s1 was placed at o2 (choice 2)" in err or "s1 was not placed" in err


def test_success_to_stdout_is_deterministic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD)
    assert main([path, "-q", "--compact", "--no-explanations"]) == 0
    first = capsys.readouterr()
    assert first.err == ""
    assert "explanations" not in json.loads(first.out)
    assert main([path, "-q", "--compact", "--no-explanations"]) == 0
    assert capsys.readouterr().out == first.out


def bad(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node: Any = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return doc


DELETE = object()

CASES: list[tuple[Any, str]] = [
    ("{", "line 1 column 2: invalid JSON"),
    ("[1, 2]", "input: must be an object, got array"),
    ('{"students": [], "openings": [], "students": []}', 'input: key "students" appears twice'),
    ('{"students": [], "openings": [NaN]}', "NaN is not valid JSON"),
    (bad(extra=1), 'input: unknown field "extra"'),
    (bad(students=DELETE), 'input: missing field "students"'),
    (bad(openings={}), "openings: must be an array, got object"),
    (bad(students__0__id=DELETE), 'students[0]: missing field "id"'),
    (bad(students__0__id=5), "students[0].id: must be a non-empty string, got 5"),
    (bad(students__1__id="s1"), 'students[1].id: duplicate student id "s1" (also students[0])'),
    (bad(students__0__preferences="o1"), "students[0].preferences: must be an array, got string"),
    (bad(students__0__preferences=["o1", 3]), "students[0].preferences[1]: must be a string"),
    (
        bad(students__0__preferences=["o1", "o9"]),
        'students[0].preferences[1]: unknown opening "o9"',
    ),
    (
        bad(students__0__preferences=["o1", "o1"]),
        'students[0].preferences[1]: opening "o1" is listed twice (also at [0])',
    ),
    (bad(students__0__groups=["g", "g"]), 'students[0].groups[1]: group "g" is listed twice'),
    (bad(students__0__prefs=[]), 'students[0]: unknown field "prefs"'),
    (bad(openings__0__capacity=-1), "openings[0].capacity: must be a non-negative integer, got -1"),
    (bad(openings__0__capacity=1.5), "openings[0].capacity: must be a non-negative integer"),
    (bad(openings__0__capacity=True), "openings[0].capacity: must be a non-negative integer"),
    (bad(openings__0__capacity="2"), "openings[0].capacity: must be a non-negative integer"),
    (bad(openings__0__capacity=DELETE), 'openings[0]: missing field "capacity"'),
    (bad(openings__0__priority=DELETE), 'openings[0]: give exactly one of "priority" or "scores"'),
    (bad(openings__1__priority=["s1"]), 'openings[1]: give exactly one of "priority" or "scores"'),
    (bad(openings__0__priority=["s1", "s9"]), 'openings[0].priority[1]: unknown student "s9"'),
    (
        bad(openings__0__priority=["s1", "s1"]),
        'openings[0].priority[1]: student "s1" is listed twice (also at [0])',
    ),
    (bad(openings__1__scores={"s1": "high"}), 'openings[1].scores["s1"]: must be a number'),
    (bad(openings__1__scores={"s9": 1}), 'openings[1].scores["s9"]: unknown student "s9"'),
    (bad(openings__1__scores=[1]), "openings[1].scores: must be an object, got array"),
    (bad(openings__0__quotas={"major:cs": -2}), 'openings[0].quotas["major:cs"]: must be a non-'),
    (bad(openings__1__id="o1"), 'openings[1].id: duplicate opening id "o1" (also openings[0])'),
    (
        bad(options__proposing="colleges"),
        'options.proposing: must be one of "students", "openings"',
    ),
    (bad(options__objective="fast"), "options.objective: must be one of"),
    (bad(options__tie_breaking="none"), "options.tie_breaking: must be one of"),
    (bad(options__seed=-1), "options.seed: must be an integer >= 0, got -1"),
    (bad(options__seed="7"), "options.seed: must be an integer >= 0, got '7'"),
    (bad(options__speed=1), 'options: unknown field "speed"'),
    (bad(format="v2"), 'format: must be "qiao-allocation/1"'),
]


@pytest.mark.parametrize(("doc", "message"), CASES)
def test_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: Any, message: str
) -> None:
    assert main([write(tmp_path, doc)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("qiao allocate: error: ")
    assert "Traceback" not in captured.err


def test_crossing_quotas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = bad(
        students__2__groups=["major:cs", "year:1"],
        students__0__groups=["year:1"],
        openings__0__quotas={"major:cs": 1, "year:1": 1},
    )
    assert main([write(tmp_path, doc)]) == 2
    assert "openings[0].quotas: groups" in capsys.readouterr().err


def test_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "missing.json")]) == 2
    assert "missing.json: cannot read" in capsys.readouterr().err
    path = write(tmp_path, GOOD)
    assert main([path, "--max-bytes", "10"]) == 2
    assert "over the limit of 10 bytes" in capsys.readouterr().err
    (tmp_path / "latin1.json").write_bytes(b'{"students": ["\xe9"]}')
    assert main([str(tmp_path / "latin1.json")]) == 2
    assert "not valid UTF-8" in capsys.readouterr().err
    assert main([path, "-o", str(tmp_path / "no" / "such" / "dir.json")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert main([path, "--explain", "nobody"]) == 2
    assert '--explain: unknown student "nobody"' in capsys.readouterr().err
    deep = "[" * 100_000 + "]" * 100_000
    assert main([write(tmp_path, deep)]) == 2
    assert "nested too deeply" in capsys.readouterr().err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: qiao allocate" in capsys.readouterr().err
    assert main(["a.json", "--bogus"]) == 2
    assert main(["--help"]) == 0
    assert "INPUT.json" in capsys.readouterr().out


def test_python_api_reads_the_same_format() -> None:
    document = read_document(json.dumps(GOOD))
    assert document.options.seed == 7
    assert Problem.from_json(GOOD).student_ids == ("s1", "s2", "s3")
    with pytest.raises(ProblemError) as e:
        Problem.from_json(bad(openings__0__capacity=-1))
    assert (e.value.place, e.value.message) == (
        "openings[0].capacity",
        "must be a non-negative integer, got -1",
    )


def test_subprocess_entry_point(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    ok = subprocess.run(
        [sys.executable, "-m", "qiao.cli", "allocate", path, "-q"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["verification"]["valid"] is True
    broken = subprocess.run(
        [sys.executable, "-m", "qiao.cli", "allocate", write(tmp_path, "{", "bad.json")],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip
    assert broken.returncode == 2
    assert "bad.json: line 1 column 2: invalid JSON" in broken.stderr
    assert "Traceback" not in broken.stderr

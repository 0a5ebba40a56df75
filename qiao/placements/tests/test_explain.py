from __future__ import annotations

from qiao.placements.explain import sentences

NAMES = {1: "5G lab", 2: "ICT base", 3: "Night desk"}
EXPLANATION = {
    "assigned": 2,
    "choice": 3,
    "above": [
        {
            "opening": 1,
            "choice": 1,
            "code": "below_cutoff",
            "seats_left": 0,
            "your_rank": 7,
            "cutoff_rank": 4,
            "your_score": 81.0,
            "cutoff_score": 81.0,
            "lottery": True,
        },
        {"opening": 3, "choice": 2, "code": "not_eligible", "seats_left": 2},
    ],
}
INELIGIBLE = [
    {
        "opening": 3,
        "reasons": [
            {
                "rule": "CN2021-AGE-16",
                "message_en": "Students under 16 may not take post internships.",
                "message_zh": "不得安排未满16周岁的学生岗位实习。",
                "clause": "Regulation 2021, Art. 16 (2)",
            }
        ],
    }
]


def test_english() -> None:
    out = sentences(EXPLANATION, INELIGIBLE, NAMES, "en")
    assert out[0] == "You were placed at ICT base (your choice 3)."
    assert "Not admitted at 5G lab (choice 1)" in out[1]
    assert "priority 4 (score 81), yours was 7 (score 81)" in out[1]
    assert "lottery decided" in out[1]
    assert "you were not eligible" in out[2] and "under 16" in out[2] and "Art. 16" in out[2]


def test_chinese() -> None:
    out = sentences(EXPLANATION, INELIGIBLE, NAMES, "zh-hans")
    assert out[0] == "您被分配到ICT base（您的第3志愿）。"
    assert "抽签" in out[1]
    assert "不得安排未满16周岁" in out[2]


def test_unplaced() -> None:
    out = sentences({"assigned": None, "choice": None, "above": []}, [], {}, "en")
    assert out == ["You were not placed."]

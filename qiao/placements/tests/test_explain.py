from __future__ import annotations

from qiao.placements.explain import STAFF, sentences

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


def test_staff_read_about_the_student_not_to_her() -> None:
    en = sentences(EXPLANATION, INELIGIBLE, NAMES, "en", voice=STAFF)
    assert en[0] == "Placed at ICT base (choice 3)."
    assert "priority 4 (score 81); this student had 7 (score 81)" in en[1]
    assert "Equal scores; the recorded lottery decided." in en[1]
    assert en[2].startswith("Not admitted at Night desk (choice 2): not eligible.")
    assert "under 16" in en[2]
    zh = sentences(EXPLANATION, INELIGIBLE, NAMES, "zh-hans", voice=STAFF)
    assert zh[0] == "分配到ICT base（第3志愿）。"
    assert "不得安排未满16周岁" in zh[2] and "该生不符合" in zh[2]
    assert sentences({"assigned": None, "above": []}, [], {}, "en", voice=STAFF) == ["Not placed."]
    for text in en + zh:
        assert "you" not in text.lower().replace("your", "") and "您" not in text


def test_every_staff_sentence_takes_the_same_placeholders_as_the_students() -> None:
    """A sentence in the staff voice is filled by the same code as the student's."""
    import string

    from qiao.placements import explain

    for student, staff in ((explain._EN, explain._EN_STAFF), (explain._ZH, explain._ZH_STAFF)):
        assert set(student) == set(staff)
        for key in student:
            names = {n for _t, n, _s, _c in string.Formatter().parse(student[key]) if n}
            staff_names = {n for _t, n, _s, _c in string.Formatter().parse(staff[key]) if n}
            assert names == staff_names, key

"""The default cooperation areas, from the background agreements (see PRODUCT.md).

Idempotent: an area whose code exists is left as the administrators have edited it."""

from django.db import migrations

DEFAULT_AREAS = [
    ("talent-training", "Talent training system", "人才培养体系"),
    ("discipline-construction", "Discipline and specialty construction", "学科专业建设"),
    ("curriculum", "Curriculum and teaching resources", "课程与教学资源建设"),
    ("teacher-team", "Teacher team (“double-qualified” teachers)", "师资队伍（“双师型”教师）建设"),
    ("joint-lab", "Joint laboratory / practical training", "联合实验室（实训室）"),
    ("innovation-rd", "Collaborative innovation and R&D", "协同创新与科研开发"),
    ("certification", "Certification training", "认证培训"),
    ("training-bases", "Off-campus training bases and internships", "校外实训基地与实习"),
    ("studios", "School–enterprise studios", "校企合作工作室"),
    ("smart-campus", "Smart campus", "智慧校园"),
    ("party-building", "Party building", "党建共建"),
    (
        "international",
        "International cooperation (overseas schools, teacher training abroad, talent pool)",
        "国际合作（海外办学、境外师资培训、人才库）",
    ),
    ("competitions", "Competitions", "技能竞赛"),
    ("industry-colleges", "Industry colleges", "产业学院"),
]


def seed(apps, schema_editor):
    CooperationArea = apps.get_model("agreements", "CooperationArea")
    for order, (code, label_en, label_zh) in enumerate(DEFAULT_AREAS, start=1):
        CooperationArea.objects.get_or_create(
            code=code,
            defaults={"label_en": label_en, "label_zh": label_zh, "order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

import json
from pathlib import Path

from django.db import migrations


def load(apps, schema_editor):
    RuleSet = apps.get_model("placements", "ComplianceRuleSet")
    path = Path(__file__).resolve().parent.parent / "default_rules.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not RuleSet.objects.filter(code=doc["code"], version=doc["version"]).exists():
        RuleSet.objects.create(
            code=doc["code"],
            version=doc["version"],
            title_en=doc["title_en"],
            title_zh=doc["title_zh"],
            document=doc,
            is_default=True,
        )


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

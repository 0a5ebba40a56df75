"""The packaged default rule set (now with the minors and first-year rules) becomes the default.

Schools that chose a version keep it; schools that did not follow the default. Should the
version number already be taken by a version written in the editor, the packaged document is
stored under the next free number."""

import json
from pathlib import Path

from django.db import migrations
from django.db.models import Max


def load(apps, schema_editor):
    RuleSet = apps.get_model("placements", "ComplianceRuleSet")
    path = Path(__file__).resolve().parent.parent / "default_rules.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    same = RuleSet.objects.filter(code=doc["code"], version=doc["version"]).first()
    if same is not None and same.document.get("rules") == doc["rules"]:
        target = same
    else:
        version = doc["version"]
        if same is not None:
            taken = RuleSet.objects.filter(code=doc["code"]).aggregate(v=Max("version"))["v"]
            version = taken + 1
        target = RuleSet.objects.create(
            code=doc["code"],
            version=version,
            title_en=doc["title_en"],
            title_zh=doc["title_zh"],
            document={**doc, "version": version},
            is_default=False,
        )
    RuleSet.objects.filter(is_default=True).exclude(pk=target.pk).update(is_default=False)
    if not target.is_default:
        target.is_default = True
        target.save(update_fields=["is_default"])


class Migration(migrations.Migration):
    dependencies = [("placements", "0005_opening_protections")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Load the shipped subsidy kinds and their rules (lingong/assistance/data/subsidy_kinds.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from lingong.assistance.reference import load_subsidy_kinds

    load_subsidy_kinds(apps.get_model("assistance", "SubsidyKind"))


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_assessments_plans_subsidies"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

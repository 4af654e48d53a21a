"""Load the built-in screening rules from lingong/screening/data/rules.toml (load_reference keeps them
up to date afterwards)."""

from django.db import migrations


def load(apps, schema_editor):
    from lingong.screening.reference import load_rules

    load_rules(apps.get_model("screening", "ScreeningRule"))


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_screening_rules"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

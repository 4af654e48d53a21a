"""The 2023 round and its three phases, so a new database has them before load_reference runs.

The towns' budgets need the towns, which load_reference loads; it also calls
lingong.programme.reference.load_round_2023, which creates them.
"""

from django.db import migrations

from lingong.programme import plan2023


def create_round(apps, schema_editor):
    Round = apps.get_model("programme", "Round")
    Phase = apps.get_model("programme", "Phase")
    rnd, _ = Round.objects.get_or_create(
        code=plan2023.ROUND_CODE,
        defaults={**plan2023.ROUND, "is_current": not Round.objects.filter(is_current=True).exists()},
    )
    for seq, key, name, due, demo_due, description in plan2023.PHASES:
        Phase.objects.get_or_create(
            round=rnd,
            key=key,
            defaults={"seq": seq, "name": name, "due_on": due, "demo_due_on": demo_due, "description": description},
        )


class Migration(migrations.Migration):
    dependencies = [("programme", "0001_rounds_progress_funds_sites")]

    operations = [migrations.RunPython(create_round, migrations.RunPython.noop)]

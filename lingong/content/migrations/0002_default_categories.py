from django.db import migrations

# The topics the city's employment pages have used; the city office can add, rename or switch off more.
CATEGORIES = [
    ("jobs", "就业创业", 10),
    ("gigs", "零工服务", 20),
    ("training", "技能培训", 30),
    ("insurance", "社会保险", 40),
    ("rights", "劳动权益", 50),
    ("assistance", "就业援助", 60),
    ("stations", "站点动态", 70),
]


def add(apps, schema_editor):
    Category = apps.get_model("content", "Category")
    for code, name, sort in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})


def remove(apps, schema_editor):
    apps.get_model("content", "Category").objects.filter(code__in=[c for c, _, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("content", "0001_articles_categories_attachments")]

    operations = [migrations.RunPython(add, remove)]

from django.db import migrations


def create(apps, schema_editor):
    from indicators.official.catalogue import ensure_indicators

    ensure_indicators(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_official_data")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

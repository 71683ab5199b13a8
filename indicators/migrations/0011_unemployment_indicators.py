"""The catalogue's unemployment indicators (APS rate; the census count, residents aged 16+ and their ratio)."""

from django.db import migrations


def create(apps, schema_editor):
    from indicators.official.catalogue import ensure_indicators

    ensure_indicators(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0010_observation_references_by_trigger")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

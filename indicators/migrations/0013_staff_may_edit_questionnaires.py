from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0012_observation_references_one_pass"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffprofile",
            name="may_edit_questionnaires",
            field=models.BooleanField(
                default=False,
                help_text="Officers only: may change questionnaires in the questionnaire editor. Admins always may.",
            ),
        ),
    ]

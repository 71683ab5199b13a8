import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0013_staff_may_edit_questionnaires"),
    ]

    operations = [
        migrations.CreateModel(
            name="AreaPopulation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sex", models.CharField(choices=[("female", "Female"), ("male", "Male")], max_length=6)),
                ("age_from", models.PositiveSmallIntegerField()),
                (
                    "age_to",
                    models.PositiveSmallIntegerField(blank=True, help_text="Empty: this age and over.", null=True),
                ),
                ("people", models.PositiveIntegerField()),
                (
                    "source",
                    models.CharField(help_text="The file and estimate, e.g. ONS mid-2022 estimates.", max_length=200),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "small_area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="population",
                        to="indicators.smallarea",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("small_area", "sex", "age_from"), name="area_population_group_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("age_to__isnull", True), ("age_to__gte", models.F("age_from")), _connector="OR"
                        ),
                        name="area_population_ages_in_order",
                    ),
                ],
            },
        ),
    ]

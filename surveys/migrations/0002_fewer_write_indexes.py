import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0005_deprivation_edition_index'),
        ('surveys', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='answer',
            name='question',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='answers', to='surveys.question'),
        ),
        migrations.AlterField(
            model_name='answer',
            name='response',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.response'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.UniqueConstraint(fields=('code_hash',), name='invitation_code_hash_unique'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='code_hash',
            field=models.CharField(help_text='HMAC-SHA256 of the normalised code.', max_length=64),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='wave',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='surveys.wave'),
        ),
    ]

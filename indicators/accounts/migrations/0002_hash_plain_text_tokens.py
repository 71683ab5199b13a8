"""Existing plain-text tokens (DRF's authtoken table) become hashed API tokens, then the plain text goes.

Each keeps working with the same secret until ACCOUNTS_API_TOKEN_DAYS after this migration runs, named
"Token issued before hashing" so its owner can see and revoke it. Going back cannot bring the plain text back.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def hash_plain_text_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    expires = now + dt.timedelta(days=settings.ACCOUNTS_API_TOKEN_DAYS)
    for token in Token.objects.all():
        ApiToken.objects.create(
            user_id=token.user_id,
            name="Token issued before hashing",
            prefix=token.key[:8],
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            created_at=min(token.created, now),
            expires_at=expires,
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_plain_text_tokens, migrations.RunPython.noop)]

"""Demo: files of areas uploaded on the imports page, as an admin would. Two synthetic estates of one case-study
neighbourhood's LSOAs (stored), and a ward file with a mistyped authority code (refused, naming its line, nothing
changed), so that the imports page shows both. Run by the same queued task as an upload (eager in the demo).
Safe to run again: the same file again changes no area."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from indicators.official.models import Import
from indicators.official.services.imports import import_queue
from indicators.places.models import Neighbourhood

COLUMNS = {"code_column": "code", "name_column": "name", "authority_column": "authority"}


def seed_area_imports() -> list[Import]:
    neighbourhood = Neighbourhood.objects.select_related("local_authority").order_by("pk").first()
    if neighbourhood is None:
        return []
    admin = get_user_model().objects.filter(username="admin").first()
    authority = neighbourhood.local_authority.code
    lsoas = sorted(neighbourhood.small_areas.values_list("code", flat=True))
    half = max(len(lsoas) // 2, 1)
    estates = (
        "code,name,authority,lsoas\n"
        f"EST-NORTH,{neighbourhood.name} north estate (synthetic),{authority},{' '.join(lsoas[:half])}\n"
        f"EST-SOUTH,{neighbourhood.name} south estate (synthetic),{authority},{' '.join(lsoas[half:] or lsoas)}\n"
    )
    wards = f"code,name,authority\nE05099901,Example ward (synthetic),{authority}\nE05099902,Another ward,E0600OO01\n"
    uploads = [
        ("estates-synthetic.csv", estates, {"kind": "custom", "members_column": "lsoas", **COLUMNS}),
        ("wards-with-a-typo.csv", wards, {"kind": "ward", **COLUMNS}),
    ]
    done = []
    for name, text, options in uploads:
        done.append(
            import_queue(
                content=text.encode(), file_name=name, indicator=None, format=Import.Format.AREAS, options=options,
                user=admin, source_label="upload (demo)",
            )
        )  # fmt: skip
    return [Import.objects.get(pk=imp.pk) for imp in done]

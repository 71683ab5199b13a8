"""The README's worked example runs as written, on a fresh database, and its figures are the plain-Python ones."""

from __future__ import annotations

import csv
import io
import re
import shlex
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.indicators.wards import improvement_by_hand, ward_rows

README = Path(settings.BASE_DIR) / "README.md"
SECTION = "### A worked example: the share of a council's wards improving"


def _example() -> tuple[list[list[str]], list[str]]:
    """The section's commands (each split as a shell would) and the lines of output it shows."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ")]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)
    commands = [shlex.split(line, comments=True) for line in blocks[0][1].splitlines() if line.strip()]
    return commands, blocks[1][1].splitlines()


@pytest.mark.django_db
def test_the_worked_example_runs_as_written_and_agrees_with_plain_python():
    commands, shown = _example()
    assert commands[0][:3] == ["python", "manage.py", "migrate"]
    out = ""
    for command in commands:
        assert command[:2] == ["python", "manage.py"], command
        stdout = io.StringIO()
        call_command(*command[2:], stdout=stdout, stderr=io.StringIO())
        out = stdout.getvalue()

    rows = list(csv.DictReader(io.StringIO(out)))
    benchmark, size, expected = improvement_by_hand(ward_rows())
    authorities = [r for r in rows if r["level"] == "local_authority"]
    got = {r["code"]: (int(r["areas"]), int(r["improving"]), Decimal(r["share_improving_pct"])) for r in authorities}
    assert got == expected
    assert {(r["reference_set"], r["reference_set_size"], r["benchmark_areas"]) for r in rows} == {
        ("all 200 wards held, in 7 local authorities", "200", str(size))
    }
    assert float(rows[0]["benchmark_change_points"]) == pytest.approx(float(benchmark), abs=0.005)
    # What the README shows is what the command prints.
    assert out.splitlines()[: len(shown)] == shown

"""Loading observations: check every row and write them all in one transaction, with provenance.

Every importer (Nomis, tidy council files, the Nomis client, the demo data) ends in ``import_observations``:

- ``layout``: where the area, period, value and status are in a file's columns (``Layout``), built by each importer;
- ``reading``: the whole file checked against its layout into a ``ParsedFile`` (``cells``: one value and its
  status at a time); the first bad row raises ``ImportFileError`` naming line, column and reason, before anything
  is committed;
- ``writing``: the rows stored in one transaction, by COPY and upsert on PostgreSQL, a portable path elsewhere;
  an indicator's first import on PostgreSQL is streamed, each block of checked rows COPYed while the next is
  checked (``StreamedFirstImport``), in the same one transaction, so a bad row still changes nothing;
- ``run``: both wrapped with the ``Import`` record (``progress``: how far it has got, for the page that shows it).
"""

from indicators.official.importing.observations.layout import Layout, find_column, parse_filters
from indicators.official.importing.observations.progress import Progress, import_progress, progress_key
from indicators.official.importing.observations.reading import ParsedFile, parse_rows, read_header, read_source
from indicators.official.importing.observations.run import import_observations
from indicators.official.importing.observations.writing import WriteResult, write_observations

__all__ = [
    "Layout",
    "ParsedFile",
    "Progress",
    "WriteResult",
    "find_column",
    "import_observations",
    "import_progress",
    "parse_filters",
    "parse_rows",
    "progress_key",
    "read_header",
    "read_source",
    "write_observations",
]

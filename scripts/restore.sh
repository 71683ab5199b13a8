#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY PostgreSQL database.
#
#   scripts/restore.sh DUMP_FILE TARGET_DATABASE_URL
#
# The target must exist and hold no tables (create it with `createdb`); the script refuses
# otherwise, so it can never overwrite a live database by mistake. Everything is restored in
# one transaction: on any error nothing is left half-restored.
set -euo pipefail

dump="${1:?usage: restore.sh DUMP_FILE TARGET_DATABASE_URL}"
target="${2:?usage: restore.sh DUMP_FILE TARGET_DATABASE_URL}"
[ -r "$dump" ] || { echo "restore.sh: cannot read $dump" >&2; exit 2; }

tables=$(psql --no-psqlrc -Atq --dbname="$target" -c \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the target database already has $tables tables; restore only into an empty database" >&2
  exit 3
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target" "$dump"
echo "restored $(basename "$dump") into the target database"

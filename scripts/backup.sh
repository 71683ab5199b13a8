#!/usr/bin/env bash
# Dump Rebalance's PostgreSQL database to one file in pg_dump's custom format.
#
#   scripts/backup.sh [OUTPUT_FILE]
#
# Reads DATABASE_URL (postgres://user:password@host:port/name). Without OUTPUT_FILE the dump
# goes to ${BACKUP_DIR:-backups}/rebalance-YYYYmmddTHHMMSSZ.dump. Prints the file's path and
# SHA-256. The dump holds residents' answers: store it encrypted, with the same access rules
# as the database (see SECURITY.md).
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *) echo "backup.sh: DATABASE_URL is not PostgreSQL" >&2; exit 2 ;; esac

out="${1:-${BACKUP_DIR:-backups}/rebalance-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$out")"
umask 077
tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT

pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$tmp" --dbname="$DATABASE_URL"
# A dump that pg_restore cannot list is no backup.
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$out"
trap - EXIT
echo "$out"
sha256sum "$out" | cut -d' ' -f1

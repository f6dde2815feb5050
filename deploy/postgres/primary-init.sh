#!/bin/bash
# Run once by the official postgres image when it creates the primary's data directory
# (/docker-entrypoint-initdb.d): a role that may stream the WAL to replicas, and the
# pg_hba.conf line that lets it connect for replication (the image's own line, "host all
# all all", does not cover replication connections).
set -euo pipefail

psql -v ON_ERROR_STOP=1 -v pw="$REPLICATION_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'pw';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"

#!/bin/bash
# Entrypoint of a streaming replica in compose.yaml's scaled profile. On its first start
# (an empty data directory) it copies the primary with pg_basebackup -R, which also writes
# standby.signal and the primary_conninfo the replica follows; then it hands over to the
# official image's entrypoint, which starts PostgreSQL on the data it finds.
#
# No replication slot: the primary keeps wal_keep_size of WAL for a replica that falls
# behind, and a slot orphaned by a deleted replica volume would keep WAL forever. A replica
# that falls further behind is cloned again: remove its volume and start it.
set -euo pipefail

: "${PRIMARY_HOST:?the primary's host name}"
: "${REPLICATION_PASSWORD:?the replicator role's password}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	until pg_isready -q -h "$PRIMARY_HOST" -p 5432 -U replicator; do
		echo "replica: waiting for the primary at $PRIMARY_HOST"
		sleep 1
	done
	mkdir -p "$PGDATA"
	chown postgres:postgres "$PGDATA"
	chmod 700 "$PGDATA"
	export PGPASSWORD="$REPLICATION_PASSWORD"
	gosu postgres pg_basebackup -h "$PRIMARY_HOST" -p 5432 -U replicator -D "$PGDATA" \
		--write-recovery-conf --wal-method=stream --checkpoint=fast --no-password
	unset PGPASSWORD
fi
exec docker-entrypoint.sh "$@"

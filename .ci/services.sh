#!/usr/bin/env bash
# Makes sure the services and tools the test suite uses are installed and running. Idempotent; runs as root.
set -euo pipefail

# Starts a long-lived service holding none of this script's descriptors but 0-2: one inherited from the job that
# runs CI (a pipe whose reader waits for its end) would keep that job open as long as the service runs.
detached() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      n=${fd##*/}
      [ "$n" -gt 2 ] && eval "exec $n>&-"
    done
    exec "$@"
  )
}

need_apt=()
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || need_apt+=(python3-kafka)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# PostgreSQL: up, with logical replication for the CDC tests.
pg_version=$(ls /etc/postgresql | sort -n | tail -1)
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  detached pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi
wal_level=$(psql -h 127.0.0.1 -U postgres -d postgres -tAc 'show wal_level' 2>/dev/null || echo unknown)
if [ "$wal_level" != "logical" ]; then
  echo "setting wal_level=logical and restarting PostgreSQL"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "alter system set wal_level = 'logical'"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "alter system set max_replication_slots = 20"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "alter system set max_wal_senders = 20"
  detached pg_ctlcluster --skip-systemctl-redirect "$pg_version" main restart
fi
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432

# NATS JetStream: only the benchmarks use it, but start it if it is down so `npm run bench` works too.
if ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
  detached start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
fi
echo "services ready"

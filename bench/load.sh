#!/usr/bin/env bash
# Load run: 50 simulated users (account managers browsing and moving opportunities, executives
# on dashboards) for 60 s against gunicorn + PostgreSQL + Redis with production settings, on a
# throw-away database seeded with seed_demo. Prints the median and 95th percentile; fails on any error.
#   usage: bench/load.sh            env: USERS=50 RAMP=5 (users started per second) DURATION=60s PORT=8106 PGHOST/PGPORT/PGUSER
#          REDIS_URL=redis://127.0.0.1:6393  LOCUST=locust (pip install -r bench/requirements.txt)
#          KEEP_RUNNING=1 leaves gunicorn up (for recovery drills) and prints its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
LOCUST=${LOCUST:-locust}
USERS=${USERS:-50} DURATION=${DURATION:-60s} PORT=${PORT:-8106} WORKERS=${WORKERS:-3}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
db="kam_load_$(date +%s)_$$" out="$(mktemp -d)"

export DJANGO_SETTINGS_MODULE=kam.settings.production
export SECRET_KEY=${SECRET_KEY:-load-test-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export ALLOWED_HOSTS=127.0.0.1,localhost DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db" DB_CONN_MAX_AGE=60
export CELERY_BROKER_URL="$REDIS_URL/0" CACHE_URL="$REDIS_URL/1" KAM_DEMO_DATA_ALLOWED=1
# Plain HTTP on localhost: no HTTPS redirect, cookies without the Secure flag.
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 STATIC_ROOT="$out/static"
export KAM_LOGIN_FAILURE_LIMIT=1000 LOG_LEVEL=WARNING

cleanup() {
  [ -n "${gunicorn_pid:-}" ] && [ -z "${KEEP_RUNNING:-}" ] && kill "$gunicorn_pid" 2>/dev/null && wait "$gunicorn_pid" 2>/dev/null
  [ -z "${KEEP_RUNNING:-}" ] && dropdb --if-exists "$db"
  true
}
trap cleanup EXIT

createdb "$db"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo -v0 >/dev/null
"$PY" manage.py collectstatic --noinput -v0
"$(dirname "$PY")/gunicorn" kam.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 60 \
  --access-logfile /dev/null --error-logfile "$out/gunicorn.log" & gunicorn_pid=$!
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done
echo "gunicorn pid $gunicorn_pid on :$PORT, database $db; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

set +e
"$LOCUST" -f bench/locustfile.py --headless -u "$USERS" -r "${RAMP:-5}" -t "$DURATION" --host "http://127.0.0.1:$PORT" \
  --csv "$out/run" --only-summary >"$out/locust.log" 2>&1
set -e
"$PY" - "$out/run_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'request':58} {'count':>6} {'fail':>5} {'median ms':>10} {'p95 ms':>8}")
for row in rows:
    print(f"{row['Type'] + ' ' + row['Name']:58.58} {row['Request Count']:>6} {row['Failure Count']:>5} "
          f"{row['Median Response Time']:>10} {row['95%']:>8}")
total = next(r for r in rows if r["Name"] == "Aggregated")
print(f"\nmedian {total['Median Response Time']} ms, p95 {total['95%']} ms, "
      f"{float(total['Requests/s']):.1f} requests/s, {total['Failure Count']} errors")
sys.exit(1 if int(total["Failure Count"]) else 0)
PY

#!/bin/sh
# One-shot demo seeding for service mode (the `seed` service of compose.yaml), installed in the
# image as `tutorscore-demo-data`.
#
# Why not DEMO_DATA=true on the api: every api replica would check "no tutors yet" at the same
# moment and load the same demo data concurrently; all but one would fail and restart. This runs
# once, after the migrations and before the api replicas start, and is safe to re-run:
#   - DEMO_DATA is not "true"            -> does nothing (production);
#   - the database already holds tutors  -> does nothing (second `docker compose up`);
#   - otherwise                          -> `tutorscore demo-data` with its defaults
#                                           (extra arguments are passed on, e.g. --tutors 500).
# Any other failure exits non-zero, so the api replicas that depend on it do not start.
set -u

if [ "${DEMO_DATA:-false}" != "true" ]; then
    echo "DEMO_DATA=${DEMO_DATA:-} (not true): no demo data generated"
    exit 0
fi

output=$(tutorscore demo-data --quiet "$@" 2>&1) && status=0 || status=$?
printf '%s\n' "$output"
if [ "$status" -eq 0 ]; then
    exit 0
fi
case "$output" in
    *"already holds"*)
        echo "the database already has tutors: demo data not generated"
        exit 0
        ;;
esac
exit "$status"

#!/bin/sh
# Runs one of Homegroup's scheduled jobs for ever, in the container of compose.yaml (systemd
# timers do this on the non-container path: deploy/systemd/).
#
#   homegroup-schedule every SECONDS 'COMMAND'    e.g. every 60 'homegroup audit-seal'
#   homegroup-schedule daily HH:MM 'COMMAND'      at that time, UTC, once a day
#
# After each run that succeeds it touches $HOMEGROUP_JOB_OK (/tmp/homegroup-job-ok); the
# service's health check fails when that file is older than it should be, so a job that keeps
# failing (an audit-verify that finds the log altered, a backup onto a full disk) shows as
# "unhealthy". Each failure is also one line on standard error, below the command's own output.
set -u
ok_file=${HOMEGROUP_JOB_OK:-/tmp/homegroup-job-ok}

usage() {
    echo "usage: homegroup-schedule every SECONDS 'COMMAND' | daily HH:MM 'COMMAND'" >&2
    exit 2
}

[ $# -eq 3 ] || usage
kind=$1
when=$2
command=$3

seconds_until() {  # seconds from now until the next HH:MM UTC
    hours=${1%%:*}
    minutes=${1##*:}
    target=$(( ${hours#0} * 3600 + ${minutes#0} * 60 ))
    now=$(( $(date -u +%s) % 86400 ))
    echo $(( (target - now + 86400) % 86400 ))
}

case $kind in
    every)
        case $when in ''|*[!0-9]*) usage ;; esac
        ;;
    daily)
        case $when in [0-2][0-9]:[0-5][0-9]) ;; *) usage ;; esac
        ;;
    *) usage ;;
esac

while :; do
    if [ "$kind" = daily ]; then
        sleep "$(seconds_until "$when")"
    fi
    started=$(date -u +%s)
    if sh -c "$command"; then
        touch "$ok_file"
    else
        echo "homegroup-schedule: '$command' failed with exit $? at $(date -u +%FT%TZ)" >&2
    fi
    if [ "$kind" = every ]; then
        spent=$(( $(date -u +%s) - started ))
        [ "$spent" -lt "$when" ] && sleep $(( when - spent ))
    else
        sleep 61  # past HH:MM, so the next wait is a day
    fi
done

#!/usr/bin/env bash
# Development server: the Huey consumer (background jobs) and Django's runserver, side by side.
# Run by `make run` after migrations, reference/demo data and collectstatic.
# Ctrl-C (or TERM/HUP) stops both; if either one exits on its own, the other is stopped too.
# shellcheck disable=SC2317  # stop_all and on_signal are called from traps
set -euo pipefail

cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

# Each child runs in a process group of its own (job control on), so stopping a group also stops
# whatever that child started itself, e.g. runserver's autoreloader child.
set -m
pids=()

stop_all() {
    trap - INT TERM HUP EXIT
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    # Give them a few seconds to finish the request or job in hand, then insist.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        local alive=0
        for pid in "${pids[@]}"; do
            kill -0 -- "-$pid" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}

on_signal() {
    echo
    echo "stopping web server and Huey consumer / 正在停止…"
    stop_all
    exit 0
}
trap on_signal INT TERM HUP
trap stop_all EXIT

"$PY" manage.py run_huey </dev/null &
pids+=("$!")

"$PY" manage.py runserver "$HOST:$PORT" </dev/null &
pids+=("$!")

cat <<EOF

  零工市场信息系统 (lingong) is starting:  http://$HOST:$PORT/
  演示账号见 README.md（Demo accounts 一节）/ demo accounts: README.md, section "Demo accounts"
  Huey consumer: running (pid ${pids[0]})
  Ctrl-C stops both.

EOF

# Return as soon as either child exits; the EXIT trap then stops the other.
status=0
wait -n "${pids[@]}" || status=$?
echo "a process exited (status $status); stopping the rest" >&2
exit "$status"

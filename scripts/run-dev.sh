#!/usr/bin/env bash
# Starts the portal for development: the web server, the outbox worker (which also runs the periodic jobs
# every minute) and a mail catcher that saves every email under instance/mail/. Ctrl-C stops all three.
set -euo pipefail
BIN=${BIN:-.venv/bin}
PORT=${PORT:-5000}
MAIL_PORT=${MAIL_PORT:-1025}
export MAIL_SERVER=127.0.0.1 MAIL_PORT

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

"$BIN/flask" outbox catch-mail --port "$MAIL_PORT" & pids+=($!)
"$BIN/flask" outbox work --jobs & pids+=($!)
"$BIN/flask" run --host 127.0.0.1 --port "$PORT" & pids+=($!)

sleep 2
cat <<MSG

  Councillor Support Hub is running at http://127.0.0.1:${PORT}/sign-in

$("$BIN/flask" demo accounts)

  Email the portal sends is delivered to a mail catcher on 127.0.0.1:${MAIL_PORT}
  and saved as .eml files in instance/mail/ (open them with any mail program or a text editor).
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"

#!/bin/sh
# Runs Squall's own CLI. The engine sets SQUALL_CLI (the CLI script), SQUALL_API_URL and
# SQUALL_AUTH_TOKEN in the environment of the actions it runs; SQUALL_NODE may name the node binary.
if [ -z "${SQUALL_CLI:-}" ]; then
  echo "chatops.show_execution: SQUALL_CLI is not set; this action must run under Squall's runner, which sets it to Squall's CLI script." >&2
  exit 2
fi
# The id comes from chat. Only an id goes through: anything else (say "--api-url=...") could make
# the CLI send the token elsewhere.
case "$1" in
  *[!0-9a-f]* | "")
    echo "chatops.show_execution: \"$1\" is not an execution id (24 hex digits)." >&2
    exit 2
    ;;
esac
if [ "${#1}" -ne 24 ]; then
  echo "chatops.show_execution: \"$1\" is not an execution id (24 hex digits)." >&2
  exit 2
fi
exec "${SQUALL_NODE:-node}" "$SQUALL_CLI" execution get "$1"

#!/bin/bash
# linux.dig: values arrive as positional arguments and are only expanded quoted.
set -- "$1" "$2" "$3" "$4" "$5"
case "$4" in *[!a-z0-9_=+-]*) echo "queryopts must be a dig option word" >&2; exit 2 ;; esac
if [ -n "$2" ]; then out=$(dig "@$2" "+$4" -t "$3" -- "$1"); else out=$(dig "+$4" -t "$3" -- "$1"); fi || exit $?
if [ "$5" -gt 0 ] 2>/dev/null; then printf '%s\n' "$out" | head -n "$5"; else printf '%s\n' "$out"; fi

#!/bin/bash
# linux.service: values arrive as positional arguments and are only expanded quoted.
if command -v systemctl >/dev/null 2>&1; then exec systemctl "$1" -- "$2"; fi
exec service "$2" "$1"

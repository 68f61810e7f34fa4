#!/bin/bash
# linux.netstat_grep: values arrive as positional arguments and are only expanded quoted.
{ command -v netstat >/dev/null 2>&1 && netstat -tunap || ss -tunap; } | grep -F -- "$1"

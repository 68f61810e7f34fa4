#!/bin/bash
# linux.check_processes: values arrive as positional arguments and are only expanded quoted.
case "$1" in state) col=2 ;; pid) col=1 ;; *) col=3 ;; esac
ps -eo pid=,state=,comm= | awk -v col="$col" -v want="$2" '$col == want { print }'

#!/bin/bash
# linux.rsync: values arrive as positional arguments and are only expanded quoted.
for a in $4; do case "$a" in -*) ;; *) echo "rsync option $a does not start with -" >&2; exit 2 ;; esac; done
exec rsync $4 -- "$1" "$2:$3"

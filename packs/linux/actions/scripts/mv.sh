#!/bin/bash
# linux.mv: values arrive as positional arguments and are only expanded quoted.
if [ "$3" = 1 ]; then exec mv -f -- "$1" "$2"; fi
exec mv -- "$1" "$2"

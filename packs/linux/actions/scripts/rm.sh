#!/bin/bash
# linux.rm: values arrive as positional arguments and are only expanded quoted.
opts=""; [ "$2" = 1 ] && opts="$opts -r"; [ "$3" = 1 ] && opts="$opts -f"
exec rm $opts -- "$1"

#!/bin/bash
# linux.cp: values arrive as positional arguments and are only expanded quoted.
set --  "$1" "$2" "$3" "$4"; opts=""
[ "$3" = 1 ] && opts="$opts -r"; [ "$4" = 1 ] && opts="$opts -f"
exec cp $opts -- "$1" "$2"

#!/bin/bash
# linux.scp: values arrive as positional arguments and are only expanded quoted.
exec scp -r -- "$1" "$2:$3"

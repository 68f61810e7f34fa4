#!/bin/sh
# The message arrives as an argument, never as shell text: print it to stderr exactly as given.
printf '%s\n' "$1" >&2

#!/bin/sh
# The message arrives as an argument, never as shell text: print it exactly as given.
printf '%s\n' "$1"

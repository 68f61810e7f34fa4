#!/bin/sh
# max_pause is validated as an integer before the script runs.
sleep "$1"

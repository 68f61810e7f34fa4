#!/bin/bash
# linux.pkill: values arrive as positional arguments and are only expanded quoted.
exec pkill -"$2" -- "$1"

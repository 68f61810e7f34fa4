#!/bin/bash
# linux.traceroute: values arrive as positional arguments and are only expanded quoted.
exec traceroute -m "$2" -q "$3" -- "$1"

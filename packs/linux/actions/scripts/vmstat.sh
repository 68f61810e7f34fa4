#!/bin/bash
# linux.vmstat: values arrive as positional arguments and are only expanded quoted.
exec vmstat "$1" "$2"

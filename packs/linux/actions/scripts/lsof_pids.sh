#!/bin/bash
# linux.lsof_pids: values arrive as positional arguments and are only expanded quoted.
exec lsof -n -P -p "$1"

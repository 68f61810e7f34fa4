#!/bin/bash
# linux.netstat: values arrive as positional arguments and are only expanded quoted.
if command -v netstat >/dev/null 2>&1; then exec netstat -tunap; fi
exec ss -tunap

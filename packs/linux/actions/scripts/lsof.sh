#!/bin/bash
# linux.lsof: values arrive as positional arguments and are only expanded quoted.
exec lsof -n -P

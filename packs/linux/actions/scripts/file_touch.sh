#!/bin/bash
# linux.file_touch: values arrive as positional arguments and are only expanded quoted.
exec touch -- "$1"

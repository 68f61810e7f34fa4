#!/bin/bash
# linux.check_loadavg: values arrive as positional arguments and are only expanded quoted.
read one five fifteen _ < /proc/loadavg
case "$1" in
  1) printf '{"1": "%s"}\n' "$one" ;;
  5) printf '{"5": "%s"}\n' "$five" ;;
  15) printf '{"15": "%s"}\n' "$fifteen" ;;
  *) printf '{"1": "%s", "5": "%s", "15": "%s"}\n' "$one" "$five" "$fifteen" ;;
esac

#!/bin/bash
# linux.wait_for_ssh: values arrive as positional arguments and are only expanded quoted.
i=0
while [ "$i" -lt "$4" ]; do
  if banner=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -c 64 <&3' "$1" "$2" 2>/dev/null) && [ "${banner#SSH-}" != "$banner" ]; then
    echo "$1:$2 answers: $banner"; exit 0
  fi
  i=$((i + 1)); [ "$i" -lt "$4" ] && sleep "$3"
done
echo "$1:$2 did not answer after $4 attempts" >&2; exit 1

#!/bin/sh
# check_no_lock.sh LIB FUNCTION... — fails if any of the functions, as
# compiled into LIB, contains a lock-prefixed (atomic read-modify-write)
# instruction: the allocation fast paths rely on rseq alone.
set -u
lib=$1
shift
status=0
for fn in "$@"; do
    body=$(objdump -d --no-show-raw-insn "$lib" | awk -v fn="<$fn>:" '$2 == fn {on=1; next} on && /^$/ {on=0} on')
    if [ -z "$body" ]; then
        echo "check_no_lock: $fn not found in $lib"
        status=1
    elif echo "$body" | grep -qw lock; then
        echo "check_no_lock: $fn has a lock-prefixed instruction:"
        echo "$body" | grep -w lock
        status=1
    else
        echo "check_no_lock: $fn: $(echo "$body" | wc -l) instructions, no lock prefix"
    fi
done
exit $status

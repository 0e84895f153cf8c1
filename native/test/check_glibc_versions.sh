#!/bin/sh
# check_glibc_versions.sh LIB MAX — fails if LIB needs a glibc symbol version
# newer than MAX (e.g. 2.17): the shim must load on the oldest glibc it claims.
set -u
lib=$1
max=$2
newer=$(objdump -T "$lib" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /GLIBC_[0-9]/) { v = $i; gsub(/[()]|GLIBC_/, "", v); print v, $NF } }' |
    while read -r version symbol; do
        [ "$(printf '%s\n%s\n' "$version" "$max" | sort -V | tail -1)" = "$max" ] || echo "  $symbol needs glibc $version"
    done)
if [ -n "$newer" ]; then
    echo "check_glibc_versions: $lib needs more than glibc $max:"
    echo "$newer"
    exit 1
fi
echo "check_glibc_versions: $lib needs glibc $max at most"

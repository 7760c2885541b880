#!/bin/sh
# Copies seed inputs from ../shared/corpus (next to the repository) into fuzz/corpus/<target>/
# at run time; the corpus is never committed. Usage: fuzz/seed-corpus.sh [CORPUS_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../shared/corpus}
[ -d "$src" ] || { echo "no corpus at $src" >&2; exit 1; }
out=$here/corpus
mkdir -p "$out/yaml" "$out/pgbouncer" "$out/redis" "$out/properties" "$out/lint"
i=0
find "$src" -type f | while IFS= read -r f; do
    i=$((i + 1))
    case "$f" in
    *.yaml | *.yml) t=yaml; b=0 ;;
    *pgbouncer* | *.ini) t=pgbouncer; b=1 ;;
    *redis* | *sentinel* | *.conf) t=redis; b=2 ;;
    *.properties | *properties*) t=properties; b=3 ;;
    *) continue ;;
    esac
    cp "$f" "$out/$t/seed-$i"
    # The lint target's first byte picks the file name (see fuzz_targets/lint.rs).
    { printf "\\$(printf '%03o' "$b")"; cat "$f"; } >"$out/lint/seed-$i"
done
echo "seeded $(find "$out" -type f | wc -l) files under $out"

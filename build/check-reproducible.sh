#!/usr/bin/env bash
# Reproducible builds: builds the current commit twice, in two fresh clones at different paths,
# and compares every jar and tar.gz the builds produce, byte for byte.
#
#   build/check-reproducible.sh            # both builds as the release builds them (-P release)
#   build/check-reproducible.sh -o         # extra arguments go to both Maven runs
#
# Each build is `mvn clean package -P release -Dgpg.skip -DskipTests` (no signing; the consumer
# test is a test and is skipped), ~5-6 minutes each on two cores. Uncommitted changes are not
# built: commit first. Exits 0 when every artifact is identical, 1 otherwise (naming the archive
# entries that differ). project.build.outputTimestamp in the parent POM fixes every entry's time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit="$(git -C "$root" rev-parse HEAD)"
if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not part of the check; building $commit" >&2
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/aiperf-repro.XXXXXX")"
trap 'rm -rf "$work"' EXIT

build() { # build N: clone, build, collect the artifacts into $work/out-N
  local n="$1" src="$work/src-$1"
  git clone --quiet --no-checkout "$root" "$src"
  git -C "$src" checkout --quiet "$commit"
  echo "build $n: $src" >&2
  (cd "$src" && mvn -B -q clean package -P release -Dgpg.skip -DskipTests "${@:2}") >&2
  mkdir -p "$work/out-$n"
  (cd "$src" && find . -maxdepth 3 -path '*/target/*' -type f \( -name '*.jar' -o -name '*.tar.gz' \) \
      -not -path '*/it-repo/*' -print0 | xargs -0 -I{} cp --parents {} "$work/out-$n/")
}

build 1 "$@"
build 2 "$@"

status=0
count=0
while IFS= read -r -d '' f; do
  rel="${f#"$work/out-1/"}"
  count=$((count + 1))
  if [ ! -f "$work/out-2/$rel" ]; then
    echo "DIFFERENT: $rel exists only in build 1"
    status=1
  elif ! cmp -s "$f" "$work/out-2/$rel"; then
    echo "DIFFERENT: $rel"
    case "$rel" in
      *.jar)
        # entries (name, size, CRC) that differ; when none do, the difference is in their times
        diff <(unzip -v "$f" | awk 'NF >= 8 {print $8, $1, $7}' | sort) \
             <(unzip -v "$work/out-2/$rel" | awk 'NF >= 8 {print $8, $1, $7}' | sort) \
          | sed 's/^/    /' | head -n 20 || true ;;
    esac
    status=1
  fi
done < <(find "$work/out-1" -type f -print0 | sort -z)
other=$(find "$work/out-2" -type f | wc -l)
if [ "$other" -ne "$count" ]; then
  echo "DIFFERENT: build 1 made $count artifacts, build 2 made $other"
  status=1
fi
if [ "$status" -eq 0 ]; then
  echo "reproducible: $count artifacts of $commit identical in two clean builds"
  (cd "$work/out-1" && find . -type f | sort | sed 's/^\.\//    /')
fi
exit "$status"

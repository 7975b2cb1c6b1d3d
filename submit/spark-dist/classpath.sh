#!/usr/bin/env bash
# Prints the Spark-only classpath (jar paths joined by ':') that submit/kka-submit and
# submit/standalone-cluster.sh use when no Spark distribution is installed. Resolved once by Maven from
# submit/spark-dist/pom.xml (offline first, then online) and cached in submit/spark-dist/target/classpath.txt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/target/classpath.txt"

stale() {
  [[ ! -s "$out" || "$here/pom.xml" -nt "$out" ]] && return 0
  local first
  first="$(cut -d: -f1 "$out")"
  [[ ! -f "$first" ]]
}

if stale; then
  echo "spark-dist: resolving the Spark classpath with Maven (once) ..." >&2
  if ! mvn -B -q -Dstyle.color=never -o -f "$here/pom.xml" dependency:build-classpath >&2; then
    mvn -B -q -Dstyle.color=never -f "$here/pom.xml" dependency:build-classpath >&2
  fi
fi
cat "$out"

#!/usr/bin/env bash
# One command, fresh machine: build if needed, make sure Fashion-MNIST is installed, run a short KKA loop on the
# embedded stand-ins (conf/quickstart.yaml: 2 iterations, about 3½ minutes on 2 cores) and print where the report is.
#
#   submit/quickstart.sh [--set key=value ...]     extra arguments go to `kka run`
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

command -v java >/dev/null || { echo "quickstart: Java 17 is required (apt-get install -y openjdk-17-jdk)" >&2; exit 2; }
command -v mvn >/dev/null || { echo "quickstart: Maven is required (apt-get install -y maven)" >&2; exit 2; }

data=/usr/share/datasets/fashion-mnist
if [[ ! -e "$data/train-images-idx3-ubyte.gz" && ! -e "$data/train-images-idx3-ubyte" ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    echo "quickstart: installing Fashion-MNIST (Debian package dataset-fashion-mnist) ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "quickstart: Fashion-MNIST is missing. Install it with:" >&2
    echo "  sudo apt-get install -y dataset-fashion-mnist" >&2
    exit 2
  fi
fi

if [[ ! -f target/classpath.txt || ! -d target/classes/io/kka ]]; then
  echo "quickstart: building (mvn -B -q -DskipTests compile; the first build downloads ~450 MB) ..."
  mvn -B -q -DskipTests compile
fi

run_dir="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
echo "quickstart: KKA loop on Fashion-MNIST (normal class: T-shirt/top), embedded stand-ins, run directory $run_dir"
start=$(date +%s)
"$here/kka" run conf/quickstart.yaml --set run.dir="$run_dir" "$@"
echo "quickstart: finished in $(( $(date +%s) - start )) s"
echo "quickstart: report  $root/$run_dir/report/index.html"
echo "quickstart: metrics $root/$run_dir/metrics.json"

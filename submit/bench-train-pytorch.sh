#!/usr/bin/env bash
# DL4J vs PyTorch on the same Deep SAD network, loss and examples, side by side in one run:
#
#   submit/bench-train-pytorch.sh [kka bench train options...]     e.g. --max-train 2000 --epochs 2
#
# Installs Debian's python3-torch when no interpreter here can import torch and this is a root shell with apt-get
# (otherwise says what to install), then runs
#   submit/kka --master local[*] bench train --reference pytorch --python <that interpreter> "$@"
# whose last output line is one JSON object (pytorch_sps, dl4j_single_sps, dl4j_spark_sps, ratio_vs_pytorch,
# score_sps, pytorch_score_sps, score_ratio_vs_pytorch and the thread settings).
# Environment: KKA_PYTHON picks the interpreter; KKA_BENCH_MASTER the Spark master (default local[*]).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

has_torch() { "$1" -c 'import torch' >/dev/null 2>&1; }

python=""
for p in "${KKA_PYTHON:-}" /usr/bin/python3 python3; do
  if [[ -n "$p" ]] && command -v "$p" >/dev/null 2>&1 && has_torch "$p"; then python="$p"; break; fi
done
if [[ -z "$python" ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "bench-train-pytorch: installing Debian's python3-torch (CPU) ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch >&2; }
    python=/usr/bin/python3
    has_torch "$python" || { echo "bench-train-pytorch: $python still cannot import torch" >&2; exit 1; }
  else
    echo "bench-train-pytorch: no python3 with torch here; install python3-torch (Debian) or set KKA_PYTHON" >&2
    exit 1
  fi
fi
exec "$here/kka" --master "${KKA_BENCH_MASTER:-local[*]}" bench train --reference pytorch --python "$python" "$@"

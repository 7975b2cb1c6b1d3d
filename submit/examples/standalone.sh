#!/usr/bin/env bash
# Submit a KKA run to a Spark standalone cluster (client mode: the driver runs here).
#
#   mvn -B -DskipTests package                 # builds target/kka-on-spark-<v>-app.jar (Spark provided)
#   submit/examples/standalone.sh              # uses the settings below
#
# For a local try-out, submit/standalone-cluster.sh start brings up a master and two workers on 127.0.0.1.
set -euo pipefail

MASTER="${MASTER:-spark://127.0.0.1:7077}"
APP_JAR="${APP_JAR:-target/kka-on-spark-0.1.0-SNAPSHOT-app.jar}"
CONFIG="${CONFIG:-conf/kka.yaml}"
RUN_DIR="${RUN_DIR:-file:///tmp/kka-runs/standalone}"       # any Hadoop FS URI all nodes can reach
DRIVER_MEMORY="${DRIVER_MEMORY:-4g}"
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-3g}"
EXECUTOR_CORES="${EXECUTOR_CORES:-1}"
TOTAL_CORES="${TOTAL_CORES:-2}"
# ND4J allocates off-heap through JavaCPP: cap it on every JVM, and leave room for it in the container
OFFHEAP="${OFFHEAP:-4G}"
OFFHEAP_PHYSICAL="${OFFHEAP_PHYSICAL:-8G}"

JAVACPP="-Dorg.bytedeco.javacpp.maxbytes=$OFFHEAP -Dorg.bytedeco.javacpp.maxphysicalbytes=$OFFHEAP_PHYSICAL"

# Secrets: executors make the HTTP calls, so they need the key too. OPENAI_API_KEY_FILE names a file holding it; it
# is shipped with --files and the config points at it (llm.api_key: file:<its name>), so the key never appears on a
# command line (see key-file.sh). Spark's redaction is extended as well, for keys set in spark-defaults.conf.
source "$(dirname "${BASH_SOURCE[0]}")/key-file.sh"

exec submit/kka-submit \
  --master "$MASTER" \
  --deploy-mode client \
  --class io.kka.cli.Kka \
  --name kka \
  --driver-memory "$DRIVER_MEMORY" \
  --driver-java-options "$JAVACPP" \
  --executor-memory "$EXECUTOR_MEMORY" \
  --executor-cores "$EXECUTOR_CORES" \
  --total-executor-cores "$TOTAL_CORES" \
  --conf spark.executor.extraJavaOptions="$JAVACPP" \
  --conf spark.executor.memoryOverhead=2g \
  --conf "spark.redaction.regex=(?i)secret|password|token|access[.]key|api[_.-]?key" \
  ${KEY_FILES:+--files "${KEY_FILES#,}"} \
  "$APP_JAR" \
  run "$CONFIG" --set run.dir="$RUN_DIR" "${KEY_SETS[@]}" "$@"

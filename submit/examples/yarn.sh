#!/usr/bin/env bash
# Submit a KKA run to YARN in cluster mode: the driver runs in the application master, so the config file travels
# with --files and is read from the container's working directory.
#
#   HADOOP_CONF_DIR=/etc/hadoop/conf submit/examples/yarn.sh [more kka run options, e.g. --resume]
#
# The cluster's addresses come from HADOOP_CONF_DIR/YARN_CONF_DIR (core-site.xml, yarn-site.xml) and its site
# settings from spark-defaults.conf (SPARK_CONF_DIR, or the Spark distribution's conf/); without a Spark
# distribution (kka-submit's built-in mode) spark-defaults.conf must name Spark's jars for the containers
# (spark.yarn.jars or spark.yarn.archive). YarnHdfsIT runs this script, with small sizes, against a MiniYARNCluster
# and a MiniDFSCluster.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

APP_JAR="${APP_JAR:-target/kka-on-spark-0.1.0-SNAPSHOT-app.jar}"
CONFIG="${CONFIG:-conf/kka.yaml}"                       # shipped with --files, read as ./kka.yaml
RUN_DIR="${RUN_DIR:-hdfs:///user/$USER/kka/run-$(date +%Y%m%d)}"
QUEUE="${QUEUE:-default}"
DRIVER_MEMORY="${DRIVER_MEMORY:-6g}"
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-6g}"
EXECUTOR_CORES="${EXECUTOR_CORES:-2}"
NUM_EXECUTORS="${NUM_EXECUTORS:-8}"
DRIVER_OVERHEAD="${DRIVER_OVERHEAD:-4g}"                # container memory beyond the heap: ND4J's off-heap
EXECUTOR_OVERHEAD="${EXECUTOR_OVERHEAD:-4g}"
OFFHEAP="${OFFHEAP:-6G}"                                # JavaCPP (ND4J) off-heap cap per JVM
OFFHEAP_PHYSICAL="${OFFHEAP_PHYSICAL:-12G}"
JAVACPP="-Dorg.bytedeco.javacpp.maxbytes=$OFFHEAP -Dorg.bytedeco.javacpp.maxphysicalbytes=$OFFHEAP_PHYSICAL"

# Secrets: OPENAI_API_KEY_FILE names a file holding the key; it is shipped with --files and the config points at it
# (llm.api_key: file:<its name>). The key itself never appears on this command line (see key-file.sh).
source "$here/key-file.sh"

exec "$here/../kka-submit" \
  --master yarn \
  --deploy-mode cluster \
  --queue "$QUEUE" \
  --class io.kka.cli.Kka \
  --name kka \
  --files "$CONFIG$KEY_FILES" \
  --driver-memory "$DRIVER_MEMORY" \
  --executor-memory "$EXECUTOR_MEMORY" \
  --executor-cores "$EXECUTOR_CORES" \
  --num-executors "$NUM_EXECUTORS" \
  --conf spark.driver.extraJavaOptions="$JAVACPP" \
  --conf spark.executor.extraJavaOptions="$JAVACPP" \
  --conf spark.executor.memoryOverhead="$EXECUTOR_OVERHEAD" \
  --conf spark.driver.memoryOverhead="$DRIVER_OVERHEAD" \
  --conf spark.yarn.maxAppAttempts=1 \
  --conf "spark.redaction.regex=(?i)secret|password|token|access[.]key|api[_.-]?key" \
  "$APP_JAR" \
  run "$(basename "$CONFIG")" --set run.dir="$RUN_DIR" "${KEY_SETS[@]}" --log-format json "$@"

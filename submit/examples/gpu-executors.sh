#!/usr/bin/env bash
# Train the confusion evaluator on GPU executors (CUDA 11.6) — an example; it could not be exercised on the
# project's CI machines (no GPU with a JDK there).
#
# 1. Build the app jar with ND4J's CUDA backend instead of nd4j-native (~2.4 GB of jars; DL4J core/ND4J at
#    1.0.0-M2.1, dl4j-spark stays at 1.0.0-M2):
#        mvn -B -Pcuda -DskipTests package
# 2. Executors need the NVIDIA driver and CUDA 11.6 runtime (or add org.bytedeco:cuda:11.6-8.3-1.5.7:
#    linux-x86_64-redist to the jar to carry CUDA itself), and Spark's GPU scheduling: one GPU per executor, one
#    task per GPU (DL4J workers are not thread-safe on one device), a discovery script that lists the GPUs.
set -euo pipefail

MASTER="${MASTER:-yarn}"
APP_JAR="${APP_JAR:-target/kka-on-spark-0.1.0-SNAPSHOT-app.jar}"
CONFIG="${CONFIG:-conf/kka.yaml}"
RUN_DIR="${RUN_DIR:-hdfs:///user/$USER/kka/gpu-run}"
DISCOVERY="${DISCOVERY:-/opt/spark/examples/src/main/scripts/getGpusResources.sh}"
OFFHEAP="${OFFHEAP:-12G}"                                # device memory is separate; this caps host off-heap
JAVACPP="-Dorg.bytedeco.javacpp.maxbytes=$OFFHEAP -Dorg.bytedeco.javacpp.maxphysicalbytes=24G"

exec spark-submit \
  --master "$MASTER" \
  --deploy-mode cluster \
  --class io.kka.cli.Kka \
  --files "$CONFIG" \
  --executor-memory 12g \
  --executor-cores 4 \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.task.cpus=4 \
  --conf spark.executor.resource.gpu.discoveryScript="$DISCOVERY" \
  --conf spark.executor.memoryOverhead=8g \
  --conf spark.driver.extraJavaOptions="$JAVACPP" \
  --conf spark.executor.extraJavaOptions="$JAVACPP -Dorg.nd4j.linalg.defaultbackend=org.nd4j.linalg.jcublas.JCublasBackend" \
  --conf spark.executorEnv.BACKEND_PRIORITY_GPU=100 \
  "$APP_JAR" \
  run "$(basename "$CONFIG")" --set run.dir="$RUN_DIR" --set evaluator.batch_size_per_worker=256 "$@"

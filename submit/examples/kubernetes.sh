#!/usr/bin/env bash
# Submit a KKA run to Kubernetes (cluster mode). The image must hold Spark 3.5 (Scala 2.12, Java 17) and the app
# jar, e.g. FROM apache/spark:3.5.x-scala2.12-java17 plus COPY kka-on-spark-<v>-app.jar /opt/kka/.
# Secrets come from a Kubernetes secret (kubectl create secret generic openai --from-literal=key=...); the config
# reads the key from the environment variable it fills (llm.api_key: env:OPENAI_API_KEY). Driver and executor pods
# start from k8s/pod-template.yaml (a writable JavaCPP cache volume).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

K8S_API="${K8S_API:-https://kubernetes.default.svc}"
IMAGE="${IMAGE:-registry.example.com/kka:0.1.0}"
NAMESPACE="${NAMESPACE:-kka}"
SERVICE_ACCOUNT="${SERVICE_ACCOUNT:-spark}"
APP_JAR="${APP_JAR:-local:///opt/kka/kka-on-spark-0.1.0-SNAPSHOT-app.jar}"
CONFIG="${CONFIG:-conf/kka.yaml}"                       # uploaded with --files (needs spark.kubernetes.file.upload.path)
UPLOAD_PATH="${UPLOAD_PATH:-s3a://my-bucket/kka/uploads}"
RUN_DIR="${RUN_DIR:-s3a://my-bucket/kka/runs/$(date +%Y%m%d)}"
DRIVER_MEMORY="${DRIVER_MEMORY:-6g}"
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-6g}"
EXECUTOR_CORES="${EXECUTOR_CORES:-2}"
EXECUTORS="${EXECUTORS:-4}"
OFFHEAP="${OFFHEAP:-6G}"
OFFHEAP_PHYSICAL="${OFFHEAP_PHYSICAL:-12G}"
POD_TEMPLATE="${POD_TEMPLATE:-$here/k8s/pod-template.yaml}"   # read by spark-submit, on this machine
JAVACPP="-Dorg.bytedeco.javacpp.maxbytes=$OFFHEAP -Dorg.bytedeco.javacpp.maxphysicalbytes=$OFFHEAP_PHYSICAL"
JAVACPP="$JAVACPP -Dorg.bytedeco.javacpp.cachedir=/opt/kka/javacpp-cache"   # the template's volume

exec "$here/../kka-submit" \
  --master "k8s://$K8S_API" \
  --deploy-mode cluster \
  --name kka \
  --class io.kka.cli.Kka \
  --files "$CONFIG" \
  --conf spark.kubernetes.file.upload.path="$UPLOAD_PATH" \
  --conf spark.kubernetes.namespace="$NAMESPACE" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="$SERVICE_ACCOUNT" \
  --conf spark.kubernetes.driver.podTemplateFile="$POD_TEMPLATE" \
  --conf spark.kubernetes.executor.podTemplateFile="$POD_TEMPLATE" \
  --conf spark.kubernetes.driver.podTemplateContainerName=kka \
  --conf spark.kubernetes.executor.podTemplateContainerName=kka \
  --conf spark.driver.memory="$DRIVER_MEMORY" \
  --conf spark.executor.memory="$EXECUTOR_MEMORY" \
  --conf spark.executor.cores="$EXECUTOR_CORES" \
  --conf spark.executor.instances="$EXECUTORS" \
  --conf spark.driver.extraJavaOptions="$JAVACPP" \
  --conf spark.executor.extraJavaOptions="$JAVACPP" \
  --conf spark.driver.memoryOverheadFactor=0.4 \
  --conf spark.executor.memoryOverheadFactor=0.4 \
  --conf spark.kubernetes.driver.secretKeyRef.OPENAI_API_KEY=openai:key \
  --conf spark.kubernetes.executor.secretKeyRef.OPENAI_API_KEY=openai:key \
  --conf "spark.redaction.regex=(?i)secret|password|token|access[.]key|api[_.-]?key" \
  "$APP_JAR" \
  run "$(basename "$CONFIG")" --set run.dir="$RUN_DIR" --log-format json "$@"

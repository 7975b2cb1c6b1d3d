"""Airflow DAG: one KKA run per logical date, one task per KKA iteration.

Each iteration task runs `kka run CONFIG --resume --until-iteration N`: it continues the run directory from its
last complete iteration and stops after committing iteration N, so an Airflow retry re-runs only what is missing
and never repeats a paid endpoint call (responses are cached under the run directory).

Requires apache-airflow-providers-apache-spark and a `spark_default` connection pointing at your cluster.
Copy this file into your DAGs folder and adjust the settings below.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# --- settings -------------------------------------------------------------------------------------------------
APP_JAR = "/opt/kka/kka-on-spark-0.1.0-SNAPSHOT-app.jar"   # mvn -B -DskipTests package
CONFIG = "/opt/kka/conf/kka.yaml"                            # shipped to the driver with --files
RUN_DIR = "hdfs:///data/kka/runs/{{ ds_nodash }}"            # one run directory per logical date
ITERATIONS = 3                                               # run.iterations: KKA(0) .. KKA(3)
SPARK_CONN = "spark_default"
JAVACPP = "-Dorg.bytedeco.javacpp.maxbytes=6G -Dorg.bytedeco.javacpp.maxphysicalbytes=12G"
SPARK_CONF = {
    "spark.driver.extraJavaOptions": JAVACPP,
    "spark.executor.extraJavaOptions": JAVACPP,
    "spark.executor.memoryOverhead": "4g",
    "spark.redaction.regex": "(?i)secret|password|token|access[.]key|api[_.-]?key",
}
# Secrets: a file holding the API key on the Airflow worker (mounted from your secrets backend, readable only by the
# worker's user). It is shipped with --files, and the config is pointed at it by name, so the driver and every
# executor read it from their working directory (YARN) or from SparkFiles (other masters). Never `env_vars`:
# SparkSubmitHook turns them into spark.yarn.appMasterEnv.* on YARN (the AM only; the executors, which make the
# HTTP calls, never see the key) and into driver-only environment on Kubernetes, refuses them in standalone
# cluster mode, and a value passed as --conf is visible in `ps` on the worker. Set API_KEY_FILE = None when the
# config needs no key. On Kubernetes, --files needs spark.kubernetes.file.upload.path (or use the secretKeyRef
# confs of submit/examples/kubernetes.sh).
API_KEY_FILE = "/opt/kka/secrets/openai.key"
# ---------------------------------------------------------------------------------------------------------------

COMMON = dict(
    conn_id=SPARK_CONN,
    application=APP_JAR,
    java_class="io.kka.cli.Kka",
    files=CONFIG if API_KEY_FILE is None else f"{CONFIG},{API_KEY_FILE}",
    conf=SPARK_CONF,
    driver_memory="6g",
    executor_memory="6g",
    executor_cores=2,
    num_executors=4,
    verbose=False,
)
CONFIG_NAME = CONFIG.rsplit("/", 1)[-1]
RUN_SET = f"run.dir={RUN_DIR}"
# the config's llm.api_key, pointed at the shipped file by its name (a reference, not the key)
KEY_SET = [] if API_KEY_FILE is None else ["--set", "llm.api_key=file:" + API_KEY_FILE.rsplit("/", 1)[-1]]

with DAG(
    dag_id="kka",
    description="KKA: LLM-generated anomalies for a vision anomaly detector (Algorithm 1, one task per iteration)",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "retry_exponential_backoff": True},
    tags=["kka", "spark", "anomaly-detection"],
) as dag:
    ingest = SparkSubmitOperator(
        task_id="ingest",
        name="kka-ingest-{{ ds_nodash }}",
        application_args=["ingest", CONFIG_NAME, "--set", RUN_SET, "--log-format", "json", "--skip-existing"],
        **COMMON,
    )

    previous = ingest
    for it in range(ITERATIONS + 1):
        task = SparkSubmitOperator(
            task_id=f"iteration_{it}",
            name=f"kka-it{it}-{{{{ ds_nodash }}}}",
            application_args=["run", CONFIG_NAME, "--set", RUN_SET, "--resume", "--until-iteration", str(it),
                              "--log-format", "json"] + KEY_SET,
            **COMMON,
        )
        previous >> task
        previous = task

    final = SparkSubmitOperator(
        task_id="final_detector",
        name="kka-final-{{ ds_nodash }}",
        application_args=["run", CONFIG_NAME, "--set", RUN_SET, "--resume", "--log-format", "json"] + KEY_SET,
        **COMMON,
    )
    report = SparkSubmitOperator(
        task_id="report",
        name="kka-report-{{ ds_nodash }}",
        application_args=["report", RUN_DIR, "--log-format", "json"],
        **COMMON,
    )
    previous >> final >> report

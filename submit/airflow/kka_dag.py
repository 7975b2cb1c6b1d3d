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
# secrets: taken from the worker's environment and passed as environment variables, never as arguments
ENV_VARS = {"OPENAI_API_KEY": "{{ var.value.get('openai_api_key', '') }}"}
# ---------------------------------------------------------------------------------------------------------------

COMMON = dict(
    conn_id=SPARK_CONN,
    application=APP_JAR,
    java_class="io.kka.cli.Kka",
    files=CONFIG,
    conf=SPARK_CONF,
    env_vars=ENV_VARS,
    driver_memory="6g",
    executor_memory="6g",
    executor_cores=2,
    num_executors=4,
    verbose=False,
)
CONFIG_NAME = CONFIG.rsplit("/", 1)[-1]
RUN_SET = f"run.dir={RUN_DIR}"

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
                              "--log-format", "json"],
            **COMMON,
        )
        previous >> task
        previous = task

    final = SparkSubmitOperator(
        task_id="final_detector",
        name="kka-final-{{ ds_nodash }}",
        application_args=["run", CONFIG_NAME, "--set", RUN_SET, "--resume", "--log-format", "json"],
        **COMMON,
    )
    report = SparkSubmitOperator(
        task_id="report",
        name="kka-report-{{ ds_nodash }}",
        application_args=["report", RUN_DIR, "--log-format", "json"],
        **COMMON,
    )
    previous >> final >> report

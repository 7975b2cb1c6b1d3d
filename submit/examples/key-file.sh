# Sourced by the example submit scripts: ships the API key as a file, never as a value on a command line.
#
#   OPENAI_API_KEY_FILE=/secure/openai.key   a file readable only by you, holding the key (one line)
#
# The file travels with --files (YARN puts it in every container's working directory, other masters in the
# directory SparkFiles names) and the config is pointed at it by name: --set llm.api_key=file:<name>. A key given
# as a --conf value (spark.executorEnv.*, spark.yarn.appMasterEnv.*) would be visible in `ps` on the submitting
# host and in the application's environment listing; a key in OPENAI_API_KEY alone is refused for that reason.
# Sets KEY_FILES (a ",file" suffix for --files, or empty) and KEY_SETS (the --set arguments, possibly none).
KEY_FILES=""
KEY_SETS=()
if [[ -n "${OPENAI_API_KEY_FILE:-}" ]]; then
  [[ -r "$OPENAI_API_KEY_FILE" ]] || { echo "$(basename "$0"): OPENAI_API_KEY_FILE $OPENAI_API_KEY_FILE is not a readable file" >&2; exit 2; }
  [[ "$OPENAI_API_KEY_FILE" != *,* && "$OPENAI_API_KEY_FILE" != *#* ]] || { echo "$(basename "$0"): OPENAI_API_KEY_FILE must not contain ',' or '#'" >&2; exit 2; }
  KEY_FILES=",$OPENAI_API_KEY_FILE"
  KEY_SETS=(--set "llm.api_key=file:$(basename "$OPENAI_API_KEY_FILE")")
elif [[ -n "${OPENAI_API_KEY:-}" ]]; then
  echo "$(basename "$0"): OPENAI_API_KEY is set, but a key is never put on the spark-submit command line; write it to a file only you can read and set OPENAI_API_KEY_FILE to its path" >&2
  exit 2
fi

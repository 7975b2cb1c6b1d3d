package io.kka.store;

import org.apache.hadoop.fs.Path;

/**
 * The layout of a run directory (any Hadoop FS URI). Each iteration directory is written under a temporary name
 * and renamed when complete, so {@code --resume} restarts after the last complete one.
 *
 * <pre>
 * RUN/
 *   config.yaml                  effective config (secrets as references only)
 *   samples/                     ingested samples table (Parquet, data-schemas/samples.schema.json)
 *   state.json                   last complete iteration, config hash, provenance
 *   cache/                       endpoint response cache
 *   iterations/000/              KKA(0): first generation, before any DPO
 *     prompts/                   Parquet, GenerationSchemas.PROMPTS
 *     descriptions/              Parquet, GenerationSchemas.DESCRIPTIONS
 *     generated/                 Parquet, samples schema, role generated, with score and hardness
 *     anomaly_set/               Parquet, samples schema: the anomaly set after this iteration's update
 *     evaluator/                 the confusion evaluator trained in this iteration
 *     pairs.trl.jsonl            preference pairs, TRL format
 *     pairs.openai.jsonl         preference pairs, OpenAI DPO format
 *     lm/                        the language model after this iteration's DPO (embedded weights or model name)
 *     metrics.json               this iteration's metrics
 *   iterations/001/ ...
 *   final/detector/              Deep SAD on normals + final anomaly set
 *   final/scores/                test-split scores (Parquet: sample_id, label, class_name, score)
 *   metrics.json                 run metrics
 *   report/index.html            the HTML report
 * </pre>
 */
public final class RunLayout {
    private final String root;

    /** @param root the run directory */
    public RunLayout(String root) {
        this.root = root;
    }

    /** @return the run directory */
    public String root() {
        return root;
    }

    /** @return {@code RUN/rel} */
    public String path(String rel) {
        return new Path(root, rel).toString();
    }

    /** @return the ingested samples table */
    public String samples() {
        return path("samples");
    }

    /** @return the response cache directory */
    public String cache() {
        return path("cache");
    }

    /** @return the state file */
    public String state() {
        return path("state.json");
    }

    /** @return the effective config */
    public String config() {
        return path("config.yaml");
    }

    /** @return the directory of iteration {@code t} */
    public String iteration(int t) {
        return path(String.format("iterations/%03d", t));
    }

    /** @return a file or directory inside iteration {@code t} */
    public String iteration(int t, String rel) {
        return new Path(iteration(t), rel).toString();
    }

    /** @return the final-detector directory */
    public String finalDir(String rel) {
        return path("final/" + rel);
    }

    /** @return the run metrics */
    public String metrics() {
        return path("metrics.json");
    }

    /** @return the report directory */
    public String report() {
        return path("report");
    }
}

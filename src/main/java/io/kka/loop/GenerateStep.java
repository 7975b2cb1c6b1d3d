package io.kka.loop;

import io.kka.tune.ModelRef;
import static org.apache.spark.sql.functions.col;

import io.kka.data.Columns;
import io.kka.generate.DescriptionGenerator;
import io.kka.store.Fs;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Eq. 3–4 for one iteration: prompts from the representatives, descriptions from the language model, images from
 * the text-to-image model. Each frame is written to the iteration's directory and read back, so every endpoint
 * call happens exactly once per iteration (and a rerun hits the response cache).
 */
final class GenerateStep {
    /**
     * @param prompts      prompt rows
     * @param descriptions description rows
     * @param generated    rendered rows (samples schema, role generated, some with errors), unscored
     * @param counts       the "generation" object of metrics.json
     * @param usage        the "usage" object of metrics.json
     * @param examples     the distinct examples the prompts showed (the representatives' captions)
     */
    record Output(Dataset<Row> prompts, Dataset<Row> descriptions, Dataset<Row> generated,
            IterationMetrics.Generation counts, IterationMetrics.Usage usage, List<String> examples) {
    }

    private GenerateStep() {
    }

    static Output run(IterationContext ctx, Dataset<Row> representatives, ModelRef lm) {
        SparkSession spark = ctx.spark();
        Stages stages = ctx.stages();
        int t = ctx.t();
        long seed = ctx.seed();
        String work = ctx.work();
        StageClock clock = ctx.clock();
        Dataset<Row> prompts = clock.run("prompts", "building prompts", () -> persist(spark,
                stages.prompts(representatives, t, seed), Fs.child(work, "prompts")));
        DescriptionGenerator describer = stages.describer(lm);
        Dataset<Row> descriptions = clock.run("describe", "writing anomaly descriptions (" + describer.modelName()
                + ")", () -> persist(spark, describer.describe(prompts), Fs.child(work, "descriptions")));
        var renderer = stages.renderer();
        Dataset<Row> generated = clock.run("render", "generating images (" + renderer.modelName() + ")",
                () -> persist(spark, renderer.render(descriptions), Fs.child(work, "generated_raw")));
        long descErrors = descriptions.filter(col("error").isNotNull()).count();
        long allErrors = generated.filter(col(Columns.ERROR).isNotNull()).count();
        IterationMetrics.Generation counts = new IterationMetrics.Generation(prompts.count(),
                descriptions.filter(col("description").isNotNull()).count(),
                describer.counters().getOrDefault("dropped_normal_mentions", 0L), descErrors,
                generated.filter(col(Columns.IMAGE).isNotNull()).count(), Math.max(0, allErrors - descErrors));
        // the error budgets, checked before anything of this iteration is committed
        long descRows = descriptions.count();
        budget("describe", "llm", describer.errorBudget(), descErrors, descRows, descriptions, t);
        budget("render", "images", renderer.errorBudget(), Math.max(0, allErrors - descErrors),
                generated.count() - descErrors, generated.filter(col(Columns.ERROR).isNotNull()
                        .and(col(Columns.ERROR).getField("stage").equalTo("render"))), t);
        IterationMetrics.Usage usage = Metrics.usage(descriptions).plus(Metrics.usage(generated)).withErrors(allErrors);
        java.util.Set<String> examples = new java.util.TreeSet<>();
        // one array of K captions per prompt row: a few hundred short strings at most
        for (Row r : prompts.select(org.apache.spark.sql.functions.explode(col("examples"))).distinct()
                .collectAsList()) {
            examples.add(r.getString(0));
        }
        return new Output(prompts, descriptions, generated, counts, usage, List.copyOf(examples));
    }

    /**
     * Fails the iteration when a stage's error rows exceed its budget: an unresolvable key, a 401 or an exhausted
     * quota would otherwise commit an iteration trained on (almost) nothing, which a resume never redoes.
     */
    static void budget(String stage, String key, java.util.OptionalDouble budget, long errors, long rows,
            Dataset<Row> errorRows, int t) {
        if (budget.isEmpty() || rows == 0 || errors <= budget.getAsDouble() * rows) {
            return;
        }
        Row first = errorRows.filter(col("error").isNotNull()).select(col("error").getField("message"))
                .takeAsList(1).stream().findFirst().orElse(null);
        throw new StageFailedException(String.format(java.util.Locale.ROOT, "iteration %d, %s: %d of %d rows failed"
                + " (%.0f%%, over %s.http.max_error_fraction %.2f); nothing of this iteration is committed; first"
                + " error: %s", t, stage, errors, rows, 100.0 * errors / rows, key, budget.getAsDouble(),
                first == null ? "?" : first.getString(0)));
    }

    /** Writes a frame to Parquet (replacing a leftover of a crashed attempt) and returns the written table. */
    static Dataset<Row> persist(SparkSession spark, Dataset<Row> df, String uri) {
        Fs.writeParquet(df, uri, true);
        return spark.read().parquet(uri);
    }
}

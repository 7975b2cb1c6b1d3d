package io.kka.generate.embedded;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * Executor side of {@link EmbeddedDescriptionGenerator}: one partition of prompt rows → rows of
 * {@link io.kka.generate.GenerationSchemas#DESCRIPTIONS}. The model is parsed once, at the first row.
 */
final class DescribePartition implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final Settings s;
    private final Broadcast<byte[]> weights;
    private final LongAccumulator dropped;

    /**
     * What the executors need of the config.
     *
     * @param model       model name for provenance
     * @param draws       descriptions drawn per prompt
     * @param temperature sampling temperature
     * @param topP        nucleus mass
     * @param maxWords    word limit
     * @param dropNormal  drop descriptions naming a normal class
     * @param normals     normal class names
     */
    record Settings(String model, int draws, double temperature, double topP, int maxWords, boolean dropNormal,
            List<String> normals) implements Serializable {
    }

    DescribePartition(Settings s, Broadcast<byte[]> weights, LongAccumulator dropped) {
        this.s = s;
        this.weights = weights;
        this.dropped = dropped;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> prompts) {
        List<Row> out = new ArrayList<>();
        EmbeddedLanguageModel model = null;
        while (prompts.hasNext()) {
            if (model == null) {
                model = EmbeddedLanguageModel.fromBytes(weights.value());
            }
            describe(model, prompts.next(), out);
        }
        return out.iterator();
    }

    private void describe(EmbeddedLanguageModel model, Row p, List<Row> out) {
        String promptId = p.getAs("prompt_id");
        int iteration = p.<Integer>getAs("iteration");
        long seed = p.<Long>getAs("seed");
        String prompt = p.getAs("prompt");
        List<String> examples = p.getList(p.fieldIndex("examples"));
        String context = examples.isEmpty() ? prompt : EmbeddedLanguageModel.promptOf(examples);
        List<String> draws = model.sample(context, s.draws(), seed, s.temperature(), s.topP(), s.maxWords());
        long completionWords = 0;
        Map<String, String> kept = new LinkedHashMap<>();
        for (String d : draws) {
            completionWords += Vocabulary.tokens(d).size();
            if (d.isBlank()) {
                continue;
            }
            String key = d.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
            if (kept.containsKey(key)) {
                continue;
            }
            if (s.dropNormal() && EmbeddedDescriptionGenerator.namesNormal(d, s.normals())) {
                dropped.add(1);
                kept.put(key, null);
                continue;
            }
            kept.put(key, d);
        }
        int k = 0;
        for (String d : kept.values()) {
            if (d == null) {
                continue;
            }
            Row usage = k == 0
                    ? RowFactory.create(1, 0, (long) Vocabulary.tokens(prompt).size(), completionWords, 0, false, 0.0)
                    : RowFactory.create(0, 0, 0L, 0L, 0, false, 0.0);
            out.add(RowFactory.create(promptId + "/" + k, promptId, iteration, d, s.model(), seed, usage, null));
            k++;
        }
    }
}

package io.kka.config;

/**
 * The whole job configuration: one YAML file, one section per stage family. Immutable and validated; load it
 * with {@link ConfigLoader}, print it with {@link ConfigPrinter}.
 *
 * @param run             run directory, seed, iterations and update mode
 * @param data            where the images come from and how they are normalised
 * @param task            which classes are normal and how splits are drawn
 * @param evaluator       the Deep SAD confusion evaluator / final detector (Eq. 5)
 * @param representatives the K representative normals whose captions seed the prompt (Eq. 1–2)
 * @param llm             the language model that writes anomaly descriptions (Eq. 3)
 * @param images          the text-to-image model that renders them (Eq. 4)
 * @param selection       hard/easy split and preference pairs (Eq. 6)
 * @param tuning          the DPO tuner (Eq. 7)
 */
public record JobConfig(
        RunConfig run,
        DataConfig data,
        TaskConfig task,
        EvaluatorConfig evaluator,
        RepresentativesConfig representatives,
        LlmConfig llm,
        ImageGenConfig images,
        SelectionConfig selection,
        TuningConfig tuning) implements java.io.Serializable {

    /** Cross-section rules. */
    public JobConfig {
        Check.notNull("run", run);
        Check.notNull("data", data);
        Check.notNull("task", task);
        Check.notNull("evaluator", evaluator);
        Check.notNull("representatives", representatives);
        Check.notNull("llm", llm);
        Check.notNull("images", images);
        Check.notNull("selection", selection);
        Check.notNull("tuning", tuning);
        if (representatives.features() == RepresentativesConfig.FeatureKind.ENCODER && !evaluator.pretrain().enabled()) {
            throw new ConfigException("representatives.features", "encoder needs an encoder at iteration 0, before"
                    + " any evaluator exists: set evaluator.pretrain.enabled: true (an autoencoder pretrained on the"
                    + " training normals) or use pixels", "encoder");
        }
    }

    /** @return the defaults: Fashion-MNIST from the Debian package, class 0 normal, embedded stand-ins */
    public static JobConfig defaults() {
        return new JobConfig(RunConfig.defaults(), DataConfig.defaults(), TaskConfig.defaults(),
                EvaluatorConfig.defaults(), RepresentativesConfig.defaults(), LlmConfig.defaults(),
                ImageGenConfig.defaults(), SelectionConfig.defaults(), TuningConfig.defaults());
    }
}

package io.kka.generate.embedded;

import io.kka.config.EmbeddedLmConfig;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** Models shared by the tests of the embedded stand-ins (pre-training costs seconds, so it happens once). */
public final class TestModels {
    /** normal examples of T-shirts, as Fashion-MNIST captions look */
    public static final String TSHIRTS = EmbeddedLanguageModel.promptOf(List.of("a dark t-shirt", "a light t-shirt",
            "a grey t-shirt"));
    /** normal examples of bags */
    public static final String BAGS = EmbeddedLanguageModel.promptOf(List.of("a dark bag", "a light bag"));
    private static EmbeddedLanguageModel fashion;
    private static KnowledgeCorpus corpus;

    private TestModels() {
    }

    /** @return the shipped knowledge corpus */
    public static synchronized KnowledgeCorpus corpus() {
        if (corpus == null) {
            corpus = KnowledgeCorpus.load(EmbeddedLmConfig.defaults().knowledge(), new Configuration());
        }
        return corpus;
    }

    /** @return the model pre-trained on the shipped corpus with the default settings, seed 1 */
    public static synchronized EmbeddedLanguageModel fashion() {
        if (fashion == null) {
            fashion = EmbeddedLanguageModel.pretrain(corpus(), EmbeddedLmConfig.defaults(), 1);
        }
        return fashion;
    }

    /** @return a tiny model (a handful of words, dimension 3) for exhaustive checks */
    public static EmbeddedLanguageModel tiny(long seed) {
        KnowledgeCorpus c = KnowledgeCorpus.parse("[hats]\na red hat\na blue hat, wool\n[bags]\na red bag\n",
                "tiny");
        return EmbeddedLanguageModel.pretrain(c, new EmbeddedLmConfig("tiny", 3, 4, 0.05, 2, 0.5, 8), seed);
    }
}

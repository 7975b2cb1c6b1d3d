package io.kka.config;

import java.util.List;

/**
 * The one-class task: which classes are normal, and how held-out splits are drawn.
 *
 * @param normalClasses class names (or 0-based indices for datasets with numbered classes) that are normal
 * @param valFraction   fraction of the training normals held out as validation normals (Eq. 6 threshold)
 * @param testFraction  fraction of each class held out as test data when the dataset has no test split
 * @param maxTrainNormals keep at most this many training normals (seeded; 0 keeps all)
 * @param maxTestPerClass keep at most this many test images per class (seeded; 0 keeps all)
 */
public record TaskConfig(
        @Doc("normal class names (or 0-based class indices); every other class is an anomaly in the test split")
        List<String> normalClasses,
        @Doc("fraction of the training normals held out as validation normals; they set the hard-anomaly"
                + " threshold (never the test split)") double valFraction,
        @Doc("fraction of each class held out for test when the dataset defines no test split") double testFraction,
        @Doc("keep at most this many training normals, chosen by seeded hash (0 keeps all)") int maxTrainNormals,
        @Doc("keep at most this many test images per class, chosen by seeded hash (0 keeps all)") int maxTestPerClass) implements java.io.Serializable {

    /** Validates. */
    public TaskConfig {
        normalClasses = Check.notEmpty("normal_classes", normalClasses);
        Check.inOpenRange("val_fraction", valFraction, 0.0, 1.0);
        Check.inOpenRange("test_fraction", testFraction, 0.0, 1.0);
        Check.atLeast("max_train_normals", maxTrainNormals, 0);
        Check.atLeast("max_test_per_class", maxTestPerClass, 0);
    }

    /** @return defaults: Fashion-MNIST class 0 (T-shirt/top) normal, 10% validation normals */
    public static TaskConfig defaults() {
        return new TaskConfig(List.of("T-shirt/top"), 0.1, 0.2, 0, 0);
    }
}

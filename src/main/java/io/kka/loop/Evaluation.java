package io.kka.loop;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/**
 * A detector measured on the test split (reporting only: no decision reads it), as metrics.json's
 * {@code evaluation} objects hold it.
 *
 * @param auroc    area under the ROC curve
 * @param auprc    area under the precision-recall curve (anomalies positive)
 * @param testRows test rows scored
 * @param perClass AUROC of each anomaly class against the normals (omitted when not measured)
 */
public record Evaluation(double auroc, double auprc, long testRows,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> perClass) {
    /** Validates: areas in [0, 1]. */
    public Evaluation {
        if (!(auroc >= 0 && auroc <= 1) || !(auprc >= 0 && auprc <= 1)) {
            throw new IllegalArgumentException("evaluation: auroc and auprc must lie in [0, 1], found " + auroc
                    + " and " + auprc);
        }
        perClass = perClass == null ? null : Map.copyOf(Objects.requireNonNull(perClass));
    }
}

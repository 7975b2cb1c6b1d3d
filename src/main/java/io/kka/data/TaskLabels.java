package io.kka.data;

import io.kka.config.ConfigBinder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Resolves {@code task.normal_classes} (names or 0-based indices) against a dataset's class names. */
public final class TaskLabels {
    private TaskLabels() {
    }

    /**
     * @param requested names or indices from the config
     * @param classes   the dataset's class names in label order
     * @return the canonical names of the normal classes
     * @throws InvalidInputException naming the unknown entry, with a did-you-mean
     */
    public static Set<String> resolve(List<String> requested, List<String> classes) {
        Set<String> out = new LinkedHashSet<>();
        for (String r : requested) {
            String match = null;
            for (String c : classes) {
                if (c.equals(r)) {
                    match = c;
                }
            }
            if (match == null) {
                for (String c : classes) {
                    if (c.equalsIgnoreCase(r.trim())) {
                        match = c;
                    }
                }
            }
            if (match == null && r.trim().matches("\\d+")) {
                int i = Integer.parseInt(r.trim());
                if (i < classes.size()) {
                    match = classes.get(i);
                }
            }
            if (match == null) {
                List<String> lower = new ArrayList<>();
                classes.forEach(c -> lower.add(c.toLowerCase(Locale.ROOT)));
                String hint = ConfigBinder.Names.didYouMean(r.toLowerCase(Locale.ROOT), lower);
                if (hint.startsWith(";")) {
                    hint = "; classes: " + (classes.size() > 30 ? classes.subList(0, 30) + "…" : classes);
                }
                throw new InvalidInputException("task.normal_classes: unknown class '" + r + "'" + hint);
            }
            out.add(match);
        }
        return out;
    }
}

package io.kka.ml;

import java.io.Serializable;
import java.util.List;
import java.util.function.Predicate;
import scala.runtime.AbstractFunction1;

/**
 * Param validators for predicates that {@link org.apache.spark.ml.param.ParamValidators} does not offer. A stage is
 * {@link Serializable} (Spark's {@code Params}), and so is everything its params hold.
 */
final class Validators {
    private Validators() {
    }

    /** A predicate that can travel with its stage. */
    interface Rule<T> extends Predicate<T>, Serializable {
    }

    /**
     * @param rule the predicate a value must pass
     * @param <T>  the value type
     * @return the validator, as Spark's {@code Param} takes it
     */
    static <T> scala.Function1<T, Object> of(Rule<T> rule) {
        return new Check<>(rule);
    }

    /** @return a validator for int arrays in strictly increasing order, each at least {@code min} */
    static scala.Function1<int[], Object> increasing(int min) {
        return of(a -> {
            for (int i = 0; i < a.length; i++) {
                if (a[i] < min || i > 0 && a[i] <= a[i - 1]) {
                    return false;
                }
            }
            return true;
        });
    }

    /** @return a validator for strings among {@code allowed} */
    static scala.Function1<String, Object> oneOf(List<String> allowed) {
        List<String> copy = List.copyOf(allowed);
        return of(copy::contains);
    }

    private static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Rule<T> rule;

        Check(Rule<T> rule) {
            this.rule = rule;
        }

        @Override
        public Object apply(T value) {
            return value != null && rule.test(value);
        }
    }
}

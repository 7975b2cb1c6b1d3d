package io.kka.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One-line documentation of a config key. It feeds {@code kka config reference} and the configuration
 * reference in README.md, which a test keeps in sync with the records.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface Doc {
    /** @return what the key means, its unit and range */
    String value();
}

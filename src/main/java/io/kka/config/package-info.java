/**
 * The job configuration: immutable, validated records loaded from one YAML file ({@link io.kka.config.ConfigLoader}),
 * printed with defaults filled in and secrets as references ({@link io.kka.config.ConfigPrinter}), documented by
 * {@link io.kka.config.Doc} annotations from which the README's reference and the JSON Schema are generated.
 */
package io.kka.config;

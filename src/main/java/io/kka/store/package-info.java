/**
 * Storage on any Hadoop file system: atomic writes (temporary sibling, then rename), the serialisable Hadoop
 * configuration for executors, and the layout of a run directory.
 */
package io.kka.store;

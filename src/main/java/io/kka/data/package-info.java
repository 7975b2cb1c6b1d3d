/**
 * The canonical samples table (schema, column names, roles, splits), image decoding and normalisation, dataset
 * readers and the ingest stage that writes the table atomically.
 */
package io.kka.data;

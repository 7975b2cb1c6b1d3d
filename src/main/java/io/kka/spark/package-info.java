/** SparkSession handling: one place that opens sessions (never setting a master) and names Spark jobs. */
package io.kka.spark;

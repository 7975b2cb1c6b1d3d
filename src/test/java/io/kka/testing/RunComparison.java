package io.kka.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.kka.data.Columns;
import io.kka.store.Fs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares two runs of the loop by what they decided, not by their last float digit.
 *
 * <p>Training and scoring are float32 reductions in native code. On a loaded machine their order can change with
 * thread timing, which moves a score by about one float ulp (seen in CI: threshold 0.678625146332367 against
 * 0.6786251653534445, a relative difference of 2.8e-8). Two runs are therefore "the same" when every decision is
 * identical (which samples are in the anomaly set, which are hard or easy, which pairs were written, every count)
 * and every real number agrees to {@link #REL_TOL}.
 */
public final class RunComparison {
    /**
     * Relative tolerance for real numbers: 100 float32 ulps (2^-23 ≈ 1.2e-7 each) is far above what reduction
     * order moves, and far below any change of a decision or a metric a user would read.
     */
    public static final double REL_TOL = 1e-5;
    /** Absolute floor for values near 0 (a relative test means nothing there). */
    public static final double ABS_TOL = 1e-9;

    private RunComparison() {
    }

    /**
     * Asserts that two JSON trees have the same shape, the same strings, booleans and integers, and real numbers
     * equal to {@link #REL_TOL}.
     *
     * @param expected the reference tree
     * @param actual   the tree to check
     * @param where    a name for the message ("iteration 2 threshold")
     */
    public static void assertClose(JsonNode expected, JsonNode actual, String where) {
        List<String> diffs = new ArrayList<>();
        diff(expected, actual, where, diffs);
        if (!diffs.isEmpty()) {
            fail(String.join("\n", diffs));
        }
    }

    /**
     * @param a     one number
     * @param b     another
     * @return whether they agree to {@link #REL_TOL} (or {@link #ABS_TOL} near 0); NaN equals only NaN
     */
    public static boolean close(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        return a == b || Math.abs(a - b) <= Math.max(ABS_TOL, REL_TOL * Math.max(Math.abs(a), Math.abs(b)));
    }

    static void diff(JsonNode e, JsonNode a, String path, List<String> out) {
        if (e == null || a == null || e.isMissingNode() || a.isMissingNode()) {
            if (!(e == null || e.isMissingNode()) || !(a == null || a.isMissingNode())) {
                out.add(path + ": expected " + e + " but was " + a);
            }
            return;
        }
        if (e.isNumber() && a.isNumber()) {
            boolean integral = e.isIntegralNumber() && a.isIntegralNumber();
            if (integral ? !e.bigIntegerValue().equals(a.bigIntegerValue()) : !close(e.asDouble(), a.asDouble())) {
                out.add(path + ": expected " + e + " but was " + a + (integral ? "" : " (relative tolerance "
                        + REL_TOL + ")"));
            }
        } else if (e.isObject() && a.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            e.fieldNames().forEachRemaining(names::add);
            a.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                diff(e.get(n), a.get(n), path + "." + n, out);
            }
        } else if (e.isArray() && a.isArray()) {
            if (e.size() != a.size()) {
                out.add(path + ": expected " + e.size() + " elements but was " + a.size());
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                diff(e.get(i), a.get(i), path + "[" + i + "]", out);
            }
        } else if (!e.equals(a)) {
            out.add(path + ": expected " + e + " but was " + a);
        }
    }

    /**
     * Asserts that two committed iterations decided the same things: the same anomaly-set members with the same
     * hardness, the same generated rows with the same hardness (or error), the same probe labels, and the same
     * preference pairs.
     *
     * @param spark a session to read the Parquet tables
     * @param a     one iteration directory ({@code run/iterations/NNN})
     * @param b     the other
     * @throws IOException if a pairs file cannot be read
     */
    public static void assertSameDecisions(SparkSession spark, Path a, Path b) throws IOException {
        assertSameDecisions(spark, a.toString(), b.toString());
    }

    /**
     * {@link #assertSameDecisions(SparkSession, Path, Path)} for iteration directories on any Hadoop file system
     * ({@code s3a://bucket/run/iterations/001}), read with the session's Hadoop configuration.
     *
     * @param spark a session to read the Parquet tables
     * @param a     one iteration directory URI
     * @param b     the other
     * @throws IOException if a pairs file cannot be read
     */
    public static void assertSameDecisions(SparkSession spark, String a, String b) throws IOException {
        var conf = spark.sparkContext().hadoopConfiguration();
        String name = new org.apache.hadoop.fs.Path(a).getName();
        for (String table : List.of("anomaly_set", "generated", "probe")) {
            assertEquals(decisions(spark, Fs.child(a, table)), decisions(spark, Fs.child(b, table)),
                    name + " " + table + ": different members or hard/easy labels");
        }
        for (String pairs : List.of("pairs.trl.jsonl", "pairs.openai.jsonl")) {
            assertEquals(new TreeSet<>(Fs.readString(Fs.child(a, pairs), conf).lines().toList()),
                    new TreeSet<>(Fs.readString(Fs.child(b, pairs), conf).lines().toList()), name + " " + pairs);
        }
    }

    /** @return "sample_id hardness error" of every row, sorted */
    private static TreeSet<String> decisions(SparkSession spark, String table) {
        TreeSet<String> out = new TreeSet<>();
        // a few hundred rows per iteration in the tests that use this: fine to bring to the test's driver
        Iterator<Row> it = spark.read().parquet(table)
                .select(Columns.SAMPLE_ID, Columns.HARDNESS, Columns.ERROR).toLocalIterator();
        while (it.hasNext()) {
            Row r = it.next();
            out.add(r.getString(0) + " " + r.getString(1) + " " + r.getString(2));
        }
        return out;
    }
}

package io.kka.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.cli.Kka;
import io.kka.data.Columns;
import io.kka.ml.DetectorModel;
import io.kka.spark.Sessions;
import io.kka.store.Fs;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One measured phase of {@code kka bench scale}, run as its own driver JVM (the bench starts it with
 * {@code --master local-cluster[...]}, so executors are separate JVMs and this JVM's heap is the driver's alone,
 * plus Spark's in-process master and worker daemons, whose heap does not depend on the corpus).
 *
 * <p>It opens the session, waits for the executors and runs one job on them (so start-up is not timed), then
 * resets the heap peaks ({@link DriverHeap}), runs the phase and writes {@code wall_s}, {@code rows},
 * {@code exit}, {@code driver_peak_heap_mb} and {@code driver_peak_live_mb} as JSON to the result file.
 *
 * <p>Usage: {@code ScalePhase RESULT_JSON EXECUTORS PHASE ARGS...} with PHASE one of
 * <ul>
 *   <li>{@code kka ARGS...}: a {@code kka} command line (ingest, run), in this JVM's session;</li>
 *   <li>{@code binaryfile ROOT OUTPUT SIZE CHANNELS}: {@link BinaryFileBaseline};</li>
 *   <li>{@code score MODEL SAMPLES OUTPUT}: every row of the samples table scored by the saved detector, written
 *       as (sample_id, score) Parquet.</li>
 * </ul>
 */
public final class ScalePhase {
    /** interval of the heap sampler's full GCs, ms */
    static final long SAMPLE_MS = 1000;

    private ScalePhase() {
    }

    /** @param args RESULT_JSON EXECUTORS PHASE ARGS... */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: ScalePhase RESULT_JSON EXECUTORS PHASE ARGS...");
            System.exit(2);
        }
        File result = new File(args[0]);
        int executors = Integer.parseInt(args[1]);
        String phase = args[2];
        List<String> rest = Arrays.asList(args).subList(3, args.length);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("phase", phase);
        int code;
        io.kka.detect.NativeBackend.configure();
        try (Sessions.Handle h = Sessions.open("kka bench scale " + phase)) {
            SparkSession spark = h.spark();
            awaitExecutors(spark, executors);
            spark.range(0, executors * 4L, 1, executors * 4).count();
            long rows = -1;
            long start;
            DriverHeap.Figures heap;
            try (DriverHeap recorder = DriverHeap.start(SAMPLE_MS)) {
                start = System.nanoTime();
                switch (phase) {
                    case "kka" -> code = Kka.run(rest.toArray(new String[0]));
                    case "binaryfile" -> {
                        rows = BinaryFileBaseline.run(spark, rest.get(0), rest.get(1), Integer.parseInt(rest.get(2)),
                                Integer.parseInt(rest.get(3)));
                        code = 0;
                    }
                    case "score" -> {
                        rows = score(spark, rest.get(0), rest.get(1), rest.get(2));
                        code = 0;
                    }
                    default -> throw new IllegalArgumentException("unknown phase " + phase);
                }
                out.put("wall_s", (System.nanoTime() - start) / 1e9);
                recorder.close();
                heap = recorder.figures();
            }
            out.put("rows", rows);
            out.put("exit", code);
            out.put("driver_peak_heap_mb", heap.peakUsedMb());
            out.put("driver_peak_live_mb", heap.peakLiveMb());
            out.put("driver_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
        }
        new ObjectMapper().writeValue(result, out);
        System.exit(code);
    }

    /** Scores the whole table and writes (sample_id, score); returns the rows written. */
    static long score(SparkSession spark, String model, String samples, String output) {
        DetectorModel m = DetectorModel.fromDirectory(model, spark);
        Dataset<Row> rows = spark.read().parquet(samples);
        Dataset<Row> scored = m.transform(rows.drop(Columns.SCORE)).select(Columns.SAMPLE_ID, Columns.SCORE);
        Fs.writeParquet(scored, output, true);
        return spark.read().parquet(output).count();
    }

    /** Waits until {@code n} executors besides the driver have registered (at most 180 s). */
    static void awaitExecutors(SparkSession spark, int n) {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < n + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (spark.sparkContext().statusTracker().getExecutorInfos()
                        .length - 1) + " of " + n + " executors registered within 180 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }
}

package io.kka.loop;

import io.kka.config.ConfigLoader;
import io.kka.config.ConfigPrinter;
import io.kka.config.JobConfig;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One checkpoint per iteration. Iteration t is written into {@code iterations/NNN.partial}, renamed to
 * {@code iterations/NNN}, and only then marked committed by a last, single-object write,
 * {@code iterations/NNN/_COMMITTED}. The rename is atomic on local file systems and HDFS but is copy-then-delete on
 * S3 (s3a), so a directory {@code NNN} alone proves nothing: a driver killed mid-copy leaves a half-copied one. The
 * marker is the proof, and {@link #lastComplete()} ignores unmarked directories (a run written before markers existed
 * is read through its {@code state.json}, which was rewritten only after each complete commit). A partial directory
 * survives a crash so that its tuning-job id can be reused on resume.
 */
public final class Checkpoints {
    private static final Pattern COMMITTED = Pattern.compile("\\d{3}");
    /** The marker written last into a committed iteration directory. */
    public static final String MARKER = "_COMMITTED";

    private final RunLayout layout;
    private final Configuration conf;

    private Checkpoints(RunLayout layout, Configuration conf) {
        this.layout = layout;
        this.conf = conf;
    }

    /**
     * @param layout the run directory
     * @param conf   Hadoop configuration
     * @return the checkpoints of that run directory
     */
    public static Checkpoints of(RunLayout layout, Configuration conf) {
        return new Checkpoints(layout, conf);
    }

    /**
     * Starts or resumes a run: a fresh run refuses a directory that already holds iterations; a resumed run
     * refuses a directory started with a different config (run.iterations may differ).
     *
     * @param cfg    the effective config
     * @param prov   the run's provenance
     * @param resume whether {@code --resume} was given
     * @return the first iteration to run (0 for a fresh run)
     * @throws InvalidInputException naming the conflict
     */
    public int begin(JobConfig cfg, Provenance prov, boolean resume) {
        int last = lastComplete();
        // config.yaml is rewritten at every start (not atomically on object stores): any trace of a run counts
        boolean started = Fs.exists(layout.config(), conf) || Fs.exists(layout.state(), conf)
                || Fs.exists(layout.path("iterations"), conf);
        if (started && !resume) {
            throw new InvalidInputException("run.dir " + layout.root() + " already holds a run (last complete"
                    + " iteration " + last + "); use --resume to continue it, or choose a new run.dir");
        }
        if (started && Fs.exists(layout.config(), conf)) {
            JobConfig before;
            try {
                before = ConfigLoader.parse(Fs.readString(layout.config(), conf), layout.config(), List.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!Provenance.configHash(before).equals(prov.configSha256())) {
                throw new InvalidInputException("run.dir " + layout.root() + " was started with a different config ("
                        + layout.config() + "); only run.iterations may change on --resume");
            }
        }
        Fs.writeString(layout.config(), "# effective config of this run (secrets as references only)\n"
                + ConfigPrinter.yaml(cfg), conf);
        return last + 1;
    }

    /** @return the highest committed iteration, or -1 */
    public int lastComplete() {
        Path dir = new Path(layout.path("iterations"));
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return -1;
            }
            int legacy = legacyLastComplete();
            int last = -1;
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (s.isDirectory() && COMMITTED.matcher(name).matches()) {
                    int t = Integer.parseInt(name);
                    if (fs.exists(new Path(s.getPath(), MARKER)) || t <= legacy) {
                        last = Math.max(last, t);
                    }
                }
            }
            return last;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * @return for a run directory written before commit markers (no iteration holds one), the last complete iteration
     *         its state.json records; else -1
     */
    private int legacyLastComplete() throws IOException {
        Path dir = new Path(layout.path("iterations"));
        FileSystem fs = dir.getFileSystem(conf);
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory() && fs.exists(new Path(s.getPath(), MARKER))) {
                return -1;
            }
        }
        if (!Fs.exists(layout.state(), conf)) {
            return -1;
        }
        return Records.read(layout.state(), LegacyState.class, conf).lastCompleteIteration();
    }

    /** What a state.json of any version holds: the last complete iteration (required). */
    private record LegacyState(int lastCompleteIteration) {
    }

    /** @return the working directory of iteration t (created if missing; kept across a crash) */
    public String workDir(int t) {
        String dir = layout.iteration(t) + ".partial";
        try {
            Path p = new Path(dir);
            p.getFileSystem(conf).mkdirs(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return dir;
    }

    /**
     * Commits iteration t: writes its record, renames the working directory into place and rewrites state.json.
     *
     * @param t      the iteration
     * @param record the iteration's record (model reference, threshold, metrics summary)
     * @param prov   provenance for state.json
     */
    public void commit(int t, IterationRecord record, Provenance prov) {
        String work = workDir(t);
        Records.write(Fs.child(work, "iteration.json"), record, conf);
        Fs.commit(work, layout.iteration(t), true, conf);
        // last: one object, written whole or not at all, also where the rename above was a copy
        Fs.writeString(Fs.child(layout.iteration(t), MARKER), "iteration " + t + "\n", conf);
        List<IterationRecord> its = new java.util.ArrayList<>();
        for (int i = 0; i <= t; i++) {
            its.add(record(i));
        }
        Records.write(layout.state(), new RunState(1, layout.root(), t, prov, its), conf);
    }

    /**
     * @return the committed record of iteration t
     * @throws IllegalStateException naming the file and field if a field is missing
     */
    public IterationRecord record(int t) {
        return Records.read(Fs.child(layout.iteration(t), "iteration.json"), IterationRecord.class, conf);
    }
}

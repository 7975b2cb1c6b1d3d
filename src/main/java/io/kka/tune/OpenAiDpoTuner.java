package io.kka.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.TuningConfig;
import io.kka.store.Fs;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tuner {@code openai}: uploads the OpenAI DPO JSONL ({@code POST /files}, purpose fine-tune), creates a
 * fine-tuning job with {@code method: {type: dpo, dpo: {hyperparameters: {beta}}}}, polls it with backoff until a
 * terminal status, and returns {@code fine_tuned_model}.
 *
 * <p>Every job starts from the base model θ_L with the pairs of all iterations so far (0..t). OpenAI's DPO takes
 * the model it fine-tunes as its reference, so this keeps the paper's reference, the original LLM θ_L, at every
 * iteration (the embedded tuner's too); fine-tuning the previous iteration's model instead would make each job's
 * reference the last tuned model and let the policy drift from θ_L a little more every iteration.
 *
 * <p>The job id is written to the iteration's work directory as soon as the job exists, with the SHA-256 of the
 * pairs it trains on, so a driver that dies while polling resumes polling the same job instead of paying for a
 * second one, while a resume with different pairs starts a new job. A job that ended failed or cancelled is set
 * aside ({@code openai-job.<id>.ended.json}), so a retry creates a new one instead of reporting the old failure
 * forever. Uploads and polls are retried on transient failures ({@link JsonHttp}).
 */
public final class OpenAiDpoTuner implements Tuner {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiDpoTuner.class);
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

    private final TuningConfig cfg;
    private final long seed;
    private final Configuration conf;
    private final JsonHttp http;
    private final LongConsumer sleeper;

    OpenAiDpoTuner(TuningConfig cfg, long seed, Configuration conf, String apiKey, LongConsumer sleeper) {
        this.cfg = cfg;
        this.seed = seed;
        this.conf = conf;
        this.http = new JsonHttp(apiKey, sleeper);
        this.sleeper = sleeper;
    }

    /**
     * @param cfg  tuning config (base_url, api_key, beta, poll_interval_s, timeout_s)
     * @param seed the iteration's seed, sent with the job
     * @param conf Hadoop configuration (to read the pairs and write the job id)
     * @return the tuner
     */
    public static OpenAiDpoTuner of(TuningConfig cfg, long seed, Configuration conf) {
        String key = cfg.apiKey() == null ? null : cfg.apiKey().resolve().reveal();
        return new OpenAiDpoTuner(cfg, seed, conf, key, OpenAiDpoTuner::sleep);
    }

    @Override
    public ModelRef tune(Input in) {
        String base = cfg.baseUrl().replaceAll("/+$", "");
        String jobFile = Fs.child(in.workDir(), "openai-job.json");
        byte[] jsonl;
        try {
            jsonl = Fs.readBytes(in.allOpenAiUri(), conf);
        } catch (IOException e) {
            throw new TuningException("cannot read pairs " + in.allOpenAiUri(), e);
        }
        String pairsHash = sha256(jsonl);
        String jobId = existingJob(jobFile, pairsHash);
        if (jobId == null) {
            JsonNode file = http.postFile(base + "/files", "file", "kka-pairs-" + in.iteration() + ".jsonl", jsonl,
                    "purpose", "fine-tune");
            String fileId = file.path("id").asText(null);
            if (fileId == null) {
                throw new TuningException("POST " + base + "/files returned no file id");
            }
            ObjectNode body = JsonHttp.json().createObjectNode();
            body.put("model", in.base().ref());
            body.put("training_file", fileId);
            body.put("seed", seed);
            body.put("suffix", "kka-it" + in.iteration());
            ObjectNode method = body.putObject("method");
            method.put("type", "dpo");
            method.putObject("dpo").putObject("hyperparameters").put("beta", cfg.beta());
            JsonNode job = http.post(base + "/fine_tuning/jobs", body, JsonHttp.Repeat.ONLY_IF_NOT_RECEIVED);
            jobId = job.path("id").asText(null);
            if (jobId == null) {
                throw new TuningException("POST " + base + "/fine_tuning/jobs returned no job id");
            }
            ObjectNode record = JsonHttp.json().createObjectNode().put("id", jobId).put("training_file", fileId)
                    .put("pairs_sha256", pairsHash);
            Fs.writeString(jobFile, record.toString() + "\n", conf);
            LOG.info("iteration {}: fine-tuning job {} created on {} (pairs of iterations 0..{}, {} new; beta {})",
                    in.iteration(), jobId, in.base().ref(), in.iteration(), in.pairs().size(), cfg.beta());
        } else {
            LOG.info("iteration {}: resuming fine-tuning job {}", in.iteration(), jobId);
        }
        try {
            return ModelRef.name(await(base, jobId));
        } catch (JobEnded e) {
            // a failed or cancelled job is never polled again: the next attempt creates a new one
            Fs.commit(jobFile, Fs.child(in.workDir(), "openai-job." + jobId + ".ended.json"), true, conf);
            throw e;
        }
    }

    /** @return the recorded job, if it was created for exactly these pairs */
    private String existingJob(String jobFile, String pairsHash) {
        if (!Fs.exists(jobFile, conf)) {
            return null;
        }
        JsonNode job;
        try {
            job = JsonHttp.json().readTree(Fs.readString(jobFile, conf));
        } catch (IOException e) {
            throw new TuningException("cannot read " + jobFile, e);
        }
        String id = job.path("id").asText(null);
        if (!pairsHash.equals(job.path("pairs_sha256").asText(""))) {
            LOG.warn("{}: job {} was created for other pairs; creating a new job for these", jobFile, id);
            return null;
        }
        return id;
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A job that reached failed or cancelled. */
    static final class JobEnded extends TuningException {
        private static final long serialVersionUID = 1L;

        JobEnded(String message) {
            super(message);
        }
    }

    private String await(String base, String jobId) {
        long waitedMs = 0;
        long intervalMs = (long) (cfg.pollIntervalS() * 1000);
        while (true) {
            JsonNode job = http.get(base + "/fine_tuning/jobs/" + jobId);
            String status = job.path("status").asText("").toLowerCase(Locale.ROOT);
            if (TERMINAL.contains(status)) {
                if (status.equals("succeeded")) {
                    String model = job.path("fine_tuned_model").asText("");
                    if (model.isBlank()) {
                        throw new TuningException("fine-tuning job " + jobId + " succeeded without fine_tuned_model");
                    }
                    LOG.info("fine-tuning job {} succeeded: {}", jobId, model);
                    return model;
                }
                String why = http.redact(job.path("error").path("message").asText(""));
                throw new JobEnded("fine-tuning job " + jobId + " " + status + (why.isEmpty() ? "" : ": " + why));
            }
            if (waitedMs >= cfg.timeoutS() * 1000) {
                throw new TuningException("fine-tuning job " + jobId + " still '" + status + "' after "
                        + (long) cfg.timeoutS() + " s (tuning.timeout_s)");
            }
            sleeper.accept(intervalMs);
            waitedMs += intervalMs;
            intervalMs = Math.min(intervalMs * 2, 60_000);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TuningException("interrupted while waiting for a fine-tuning job", e);
        }
    }
}

package io.kka.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.TuningConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link OpenAiDpoTuner} and {@link CommandTuner} against a loopback fake server. */
class TunersTest {
    private static final List<PreferencePair> PAIRS = List.of(
            new PreferencePair(null, "Generate descriptions of garments like: a grey t-shirt", "a linen shirt",
                    "a leather handbag", null),
            new PreferencePair(null, "Generate descriptions of garments like: a grey t-shirt", "a thin pullover",
                    "a beach sandal", null));

    private static TuningConfig cfg(TuningConfig.TuningProvider p, String base, String command, String lora) {
        return new TuningConfig(p, 0.2, 0.05, 10, 4, base, null, 1, 30, command, lora);
    }

    private static final PreferencePair EARLIER = new PreferencePair(null, "Generate one description like: a grey"
            + " t-shirt", "a short-sleeved shirt", "a wool scarf", null);

    private static Tuner.Input input(Path dir) {
        return input(dir, 0, ModelRef.name("gpt-4.1-mini-2025-04-14"));
    }

    /** Iteration t's input: this iteration's PAIRS, and for t > 0 one pair of an earlier iteration in the "all" files. */
    private static Tuner.Input input(Path dir, int t, ModelRef current) {
        Configuration conf = new Configuration();
        String trl = dir.resolve("pairs.trl.jsonl").toString();
        String oai = dir.resolve("pairs.openai.jsonl").toString();
        PairsWriter.write(trl, oai, PAIRS, conf);
        List<PreferencePair> all = new ArrayList<>(t > 0 ? List.of(EARLIER) : List.of());
        all.addAll(PAIRS);
        String allTrl = dir.resolve("pairs.all.trl.jsonl").toString();
        String allOai = dir.resolve("pairs.all.openai.jsonl").toString();
        PairsWriter.write(allTrl, allOai, all, conf);
        return new Tuner.Input(t, current, PAIRS, trl, oai, dir.toString(), "iterations/00" + t,
                ModelRef.name("gpt-4.1-mini-2025-04-14"), allTrl, allOai);
    }

    @Test
    void openAiTunesTheBaseModelOnThePairsOfEveryIterationSoFar(@TempDir Path dir) throws Exception {
        try (FakeTuningServer fake = new FakeTuningServer("succeeded")) {
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), null, ms -> { });
            t.tune(input(dir, 1, ModelRef.name("ft:gpt-4.1-mini:kka-it0:abc")));
            JsonNode job = new ObjectMapper().readTree(fake.bodies.get(1));
            assertEquals("gpt-4.1-mini-2025-04-14", job.path("model").asText(),
                    "the job starts from θ_L, the paper's DPO reference, not from the last tuned model");
            String upload = fake.bodies.get(0);
            assertTrue(upload.contains("a short-sleeved shirt") && upload.contains("a linen shirt"),
                    "the upload holds the pairs of iteration 0 and 1: " + upload);
        }
    }

    @Test
    void openAiUploadsCreatesDpoJobPollsAndReturnsModel(@TempDir Path dir) throws Exception {
        try (FakeTuningServer fake = new FakeTuningServer("queued", "running", "running", "succeeded")) {
            List<Long> sleeps = new ArrayList<>();
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), "sk-test-123", sleeps::add);
            ModelRef m = t.tune(input(dir));
            assertEquals(ModelRef.name("ft:base:kka-it0:xyz"), m);
            assertEquals("POST /v1/files", fake.requests.get(0));
            assertTrue(fake.bodies.get(0).contains("name=\"purpose\"\r\n\r\nfine-tune"), fake.bodies.get(0));
            assertTrue(fake.bodies.get(0).contains("\"preferred_output\""));
            JsonNode job = new ObjectMapper().readTree(fake.bodies.get(1));
            assertEquals("dpo", job.path("method").path("type").asText());
            assertEquals(0.2, job.path("method").path("dpo").path("hyperparameters").path("beta").asDouble());
            assertEquals("gpt-4.1-mini-2025-04-14", job.path("model").asText());
            assertEquals("file-abc", job.path("training_file").asText());
            assertEquals(List.of(1000L, 2000L, 4000L), sleeps, "exponential poll backoff");
            assertTrue(fake.authHeaders.stream().allMatch("Bearer sk-test-123"::equals));

            // a resumed driver polls the recorded job instead of creating another
            fake.statuses.clear();
            fake.statuses.add("succeeded");
            t.tune(input(dir));
            assertEquals(1, fake.jobsCreated);
        }
    }

    @Test
    void failedAndCancelledJobsAreClearErrors(@TempDir Path dir) throws Exception {
        try (FakeTuningServer fake = new FakeTuningServer("running", "failed")) {
            fake.errorMessage = "training file has too few examples";
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), null, ms -> { });
            TuningException e = assertThrows(TuningException.class, () -> t.tune(input(dir.resolve("a"))));
            assertEquals("fine-tuning job ftjob-1 failed: training file has too few examples", e.getMessage());
        }
        try (FakeTuningServer fake = new FakeTuningServer("cancelled")) {
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), null, ms -> { });
            TuningException e = assertThrows(TuningException.class, () -> t.tune(input(dir.resolve("b"))));
            assertEquals("fine-tuning job ftjob-1 cancelled", e.getMessage());
        }
    }

    @Test
    void uploadsAndPollsAreRetriedHonouringRetryAfterButJobCreationIsNotRepeatedBlindly(@TempDir Path dir)
            throws Exception {
        try (FakeTuningServer fake = new FakeTuningServer("running", "succeeded")) {
            fake.uploadFaults.addAll(List.of(503, 429));
            fake.createFaults.add(429);
            fake.pollFaults.add(502);
            List<Long> sleeps = new ArrayList<>();
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), "sk-test-123", sleeps::add);
            assertEquals(ModelRef.name("ft:base:kka-it0:xyz"), t.tune(input(dir.resolve("a"))));
            assertEquals(1, fake.jobsCreated);
            // upload: 503 (backoff 1 s), 429 (Retry-After 2 s); create: 429 (2 s); poll: 502 (1 s), then the poll wait
            assertEquals(List.of(1000L, 2000L, 2000L, 1000L, 1000L), sleeps);
        }
        try (FakeTuningServer fake = new FakeTuningServer("succeeded")) {
            fake.createFaults.add(500);
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), "sk-test-123", ms -> { });
            TuningException e = assertThrows(TuningException.class, () -> t.tune(input(dir.resolve("b"))));
            assertEquals("POST " + fake.base() + "/fine_tuning/jobs returned HTTP 500: transient", e.getMessage());
            assertEquals(1, fake.requests.stream().filter("POST /v1/fine_tuning/jobs"::equals).count(),
                    "a 500 may have created the job: not repeated");
        }
    }

    @Test
    void aResumeWithOtherPairsOrAfterAFailedJobStartsANewJob(@TempDir Path dir) throws Exception {
        try (FakeTuningServer fake = new FakeTuningServer("failed", "succeeded")) {
            fake.errorMessage = "invalid key sk-test-123 in request";
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), "sk-test-123", ms -> { });
            TuningException e = assertThrows(TuningException.class, () -> t.tune(input(dir)));
            assertEquals("fine-tuning job ftjob-1 failed: invalid key *** in request", e.getMessage());
            assertEquals(ModelRef.name("ft:base:kka-it0:xyz"), t.tune(input(dir)), "the failed job is not reused");
            assertEquals(2, fake.jobsCreated);
            t.tune(input(dir));
            assertEquals(2, fake.jobsCreated, "same pairs: the recorded job is polled");
            t.tune(input(dir, 1, ModelRef.name("gpt-4.1-mini-2025-04-14")));
            assertEquals(3, fake.jobsCreated, "other pairs: a new job");
        }
    }

    @Test
    void jobThatNeverEndsTimesOut(@TempDir Path dir) throws Exception {
        try (FakeTuningServer fake = new FakeTuningServer("running")) {
            OpenAiDpoTuner t = new OpenAiDpoTuner(cfg(TuningConfig.TuningProvider.OPENAI, fake.base(), null, null),
                    7, new Configuration(), null, ms -> { });
            TuningException e = assertThrows(TuningException.class, () -> t.tune(input(dir)));
            assertEquals("fine-tuning job ftjob-1 still 'running' after 30 s (tuning.timeout_s)", e.getMessage());
        }
    }

    @Test
    void commandTunerRunsCommandReadsModelAndLoadsLora(@TempDir Path dir) throws Exception {
        try (FakeTuningServer fake = new FakeTuningServer("succeeded")) {
            Path seen = dir.resolve("seen.txt");
            String cmd = "wc -l < {pairs} > " + seen + "; wc -l < {all_pairs} >> " + seen
                    + "; echo \"{model}|{base_model}|{iteration}\" >> " + seen
                    + "; printf 'kka-lora-it{iteration}\\n/adapters/it{iteration}\\n' > {output}";
            CommandTuner t = CommandTuner.of(cfg(TuningConfig.TuningProvider.COMMAND, null, cmd,
                    fake.base().replace("/v1", "")), new Configuration());
            ModelRef m = t.tune(input(dir, 1, ModelRef.name("kka-lora-it0")));
            assertEquals(ModelRef.name("kka-lora-it1"), m);
            assertEquals(List.of("2", "3", "kka-lora-it0|gpt-4.1-mini-2025-04-14|1"), Files.readAllLines(seen));
            assertEquals("POST /v1/load_lora_adapter", fake.requests.get(0));
            JsonNode body = new ObjectMapper().readTree(fake.bodies.get(0));
            assertEquals("kka-lora-it1", body.path("lora_name").asText());
            assertEquals("/adapters/it1", body.path("lora_path").asText());
        }
    }

    @Test
    void commandValuesAreDataNeverShellCode(@TempDir Path dir) throws Exception {
        Path pwned = dir.resolve("pwned");
        // a model name as a hostile server or a previous command could write it
        String hostile = "m\"; touch " + pwned + "; echo \"$(touch " + pwned + ")`touch " + pwned + "`";
        String cmd = "printf '%s\\n' \"{model}\" > {output}";
        CommandTuner t = CommandTuner.of(cfg(TuningConfig.TuningProvider.COMMAND, null, cmd, null),
                new Configuration());
        ModelRef m = t.tune(input(dir.resolve("run"), 1, ModelRef.name(hostile)));
        assertEquals(ModelRef.name(hostile), m, "the value went through as data");
        assertFalse(Files.exists(pwned), "a value ran as shell code");
        assertEquals("echo ${KKA_MODEL} it3 > ${KKA_OUTPUT}", CommandTuner.substitute("echo {model} it{iteration}"
                + " > {output}", new java.util.LinkedHashMap<>(java.util.Map.of("model", "x", "iteration", "3",
                "output", "o"))));
    }

    @Test
    void aTimedOutCommandIsKilledWithEverythingItStarted(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("child.pid");
        // the "training job" runs in the background of the shell, as sh -c 'python train.py & wait' would
        String cmd = "sleep 300 & echo $! > " + pid + "; wait";
        CommandTuner t = CommandTuner.of(new TuningConfig(TuningConfig.TuningProvider.COMMAND, 0.2, 0.05, 10, 4,
                null, null, 1, 5, cmd, null), new Configuration());
        TuningException e = assertThrows(TuningException.class, () -> t.tune(input(dir.resolve("run"))));
        assertTrue(e.getMessage().startsWith("tuning.command did not finish within 5 s"), e.getMessage());
        long child = Long.parseLong(Files.readString(pid).strip());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the child outlived the"
                + " timeout");
    }

    @Test
    void commandFailuresAreClearErrors(@TempDir Path dir) {
        CommandTuner failing = CommandTuner.of(cfg(TuningConfig.TuningProvider.COMMAND, null,
                "echo 'CUDA out of memory' >&2; exit 3", null), new Configuration());
        TuningException e = assertThrows(TuningException.class, () -> failing.tune(input(dir.resolve("a"))));
        assertEquals("tuning.command exited with 3: CUDA out of memory", e.getMessage());
        CommandTuner silent = CommandTuner.of(cfg(TuningConfig.TuningProvider.COMMAND, null, "true", null),
                new Configuration());
        e = assertThrows(TuningException.class, () -> silent.tune(input(dir.resolve("b"))));
        assertTrue(e.getMessage().startsWith("tuning.command finished but wrote no model name"), e.getMessage());
        assertFalse(e.getMessage().contains("sk-"));
    }
}

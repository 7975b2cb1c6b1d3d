package io.kka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.EvaluatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code submit/bench/deep_sad_reference.py} (the same network, loss, examples, batch, epochs and optimiser in
 * PyTorch) as a child process and reads its one JSON line.
 *
 * @param python the interpreter (one that can {@code import torch})
 * @param script the reference script
 */
record PyTorchReference(String python, Path script) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MIN = 60;

    /**
     * One run's figures.
     *
     * @param threads  {@code torch.set_num_threads}
     * @param trainSps training samples/s
     * @param scoreSps inference samples/s (network and distance, no gradients)
     * @param version  torch version
     */
    record Run(int threads, double trainSps, double scoreSps, String version) {
    }

    /** @return the script at {@code kka.home} (set by submit/kka), else under the working directory */
    static Path defaultScript() {
        String home = System.getProperty("kka.home", ".");
        return Path.of(home, "submit", "bench", "deep_sad_reference.py");
    }

    /**
     * @throws IllegalArgumentException with one line saying what is missing, before any measurement
     */
    void check() {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("PyTorch reference script " + script + " does not exist (--script)");
        }
        String out = exec(List.of(python, "-c", "import torch; print(torch.__version__)"), 2);
        if (out == null) {
            throw new IllegalArgumentException(python + " cannot import torch: install Debian's python3-torch (apt-get"
                    + " install python3-torch, or run submit/bench-train-pytorch.sh) or pass --python");
        }
    }

    /**
     * @param export  where the examples were written
     * @param n       number of examples
     * @param side    image side
     * @param ch      channels
     * @param repDim  representation size
     * @param cfg     evaluator config (batch, learning rate, weight decay, η, ε)
     * @param epochs  timed epochs
     * @param threads torch threads
     * @param seed    seed
     * @return the figures
     */
    Run run(TrainThroughput.Export export, long n, int side, int ch, int repDim, EvaluatorConfig cfg, int epochs,
            int threads, long seed) {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(),
                "--examples", export.examples().toString(), "--labels", export.labels().toString(),
                "--n", Long.toString(n), "--channels", Integer.toString(ch), "--side", Integer.toString(side),
                "--rep-dim", Integer.toString(repDim), "--center", Double.toString(TrainThroughput.CENTER),
                "--eta", Double.toString(cfg.eta()), "--eps", Double.toString(cfg.epsilon()),
                "--batch", Integer.toString(cfg.batchSizePerWorker()), "--epochs", Integer.toString(epochs),
                "--lr", Double.toString(cfg.learningRate()), "--weight-decay", Double.toString(cfg.weightDecay()),
                "--score-batch", Integer.toString(TrainThroughput.SCORE_BATCH),
                "--score-passes", Integer.toString(TrainThroughput.SCORE_PASSES),
                "--threads", Integer.toString(threads), "--seed", Long.toString(seed)));
        String out = exec(cmd, TIMEOUT_MIN * 60);
        if (out == null) {
            throw new IllegalStateException("the PyTorch reference failed: " + String.join(" ", cmd));
        }
        String[] lines = out.strip().split("\n");
        try {
            JsonNode j = JSON.readTree(lines[lines.length - 1]);
            return new Run(j.get("threads").asInt(), need(j, "pytorch_sps"), need(j, "pytorch_score_sps"),
                    j.path("torch").asText("?"));
        } catch (IOException e) {
            throw new IllegalStateException("the PyTorch reference printed no JSON line: " + lines[lines.length - 1], e);
        }
    }

    private static double need(JsonNode j, String key) {
        JsonNode v = j.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalStateException("the PyTorch reference's JSON has no number " + key + ": " + j);
        }
        return v.asDouble();
    }

    /** @return stdout, or null if the process could not start, failed or timed out (stderr goes to ours) */
    private static String exec(List<String> cmd, long timeoutSecs) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            return null;
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSecs, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            p.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s", python, script);
    }
}

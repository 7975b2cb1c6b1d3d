package io.kka.tune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.config.TuningConfig;
import io.kka.store.Fs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tuner {@code command}: runs the user's command (for example a TRL DPO job) and reads back the new model.
 *
 * <p>Placeholders in {@code tuning.command}: {@code {pairs}} (this iteration's pairs, TRL JSONL, a local file),
 * {@code {pairs_openai}} (the same, OpenAI DPO JSONL), {@code {all_pairs}} and {@code {all_pairs_openai}} (the pairs
 * of iterations 0..t), {@code {output}} (a local file the command must write: the new model name on the first line
 * and, optionally, a LoRA adapter path on the second), {@code {model}} (the current model name),
 * {@code {base_model}} (the model before any DPO, θ_L, the paper's reference) and {@code {iteration}}. To keep the
 * paper's reference, tune {@code {base_model}} on {@code {all_pairs}}; to continue from the last tuned model, tune
 * {@code {model}} on {@code {pairs}} with {@code {base_model}} as the reference. The command runs with {@code sh -c}
 * and inherits the environment (secrets stay there); the values are passed as environment variables
 * ({@code {model}} becomes {@code ${KKA_MODEL}}, …), never spliced into the shell text, so write {@code "{pairs}"}
 * where a path may hold spaces. On timeout the command and all its descendants are killed. Its output goes to the
 * log. If {@code tuning.load_lora_url} is set, the adapter is then loaded into a vLLM server
 * with {@code POST /v1/load_lora_adapter}.
 */
public final class CommandTuner implements Tuner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandTuner.class);
    private final TuningConfig cfg;
    private final Configuration conf;

    private CommandTuner(TuningConfig cfg, Configuration conf) {
        this.cfg = cfg;
        this.conf = conf;
    }

    /**
     * @param cfg  tuning config (command, timeout_s, load_lora_url)
     * @param conf Hadoop configuration (to copy pairs to local files)
     * @return the tuner
     */
    public static CommandTuner of(TuningConfig cfg, Configuration conf) {
        return new CommandTuner(cfg, conf);
    }

    @Override
    public ModelRef tune(Input in) {
        try {
            Path dir = Files.createTempDirectory("kka-tune-" + in.iteration() + "-");
            Path trl = dir.resolve("pairs.trl.jsonl");
            Path openAi = dir.resolve("pairs.openai.jsonl");
            Files.write(trl, Fs.readBytes(in.trlUri(), conf));
            Files.write(openAi, Fs.readBytes(in.openAiUri(), conf));
            Path allTrl = dir.resolve("pairs.all.trl.jsonl");
            Path allOpenAi = dir.resolve("pairs.all.openai.jsonl");
            Files.write(allTrl, Fs.readBytes(in.allTrlUri(), conf));
            Files.write(allOpenAi, Fs.readBytes(in.allOpenAiUri(), conf));
            Path output = dir.resolve("model.txt");
            Map<String, String> values = new LinkedHashMap<>();
            values.put("all_pairs_openai", allOpenAi.toString());
            values.put("all_pairs", allTrl.toString());
            values.put("pairs_openai", openAi.toString());
            values.put("pairs", trl.toString());
            values.put("output", output.toString());
            values.put("base_model", in.base().ref());
            values.put("model", in.current().ref());
            values.put("iteration", Integer.toString(in.iteration()));
            run(substitute(cfg.command(), values), env(values), in.iteration());
            List<String> lines = Files.exists(output) ? Files.readAllLines(output, StandardCharsets.UTF_8) : List.of();
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                throw new TuningException("tuning.command finished but wrote no model name to {output} (" + output + ")");
            }
            String model = lines.get(0).strip();
            String adapter = lines.size() > 1 ? lines.get(1).strip() : "";
            if (cfg.loadLoraUrl() != null && !cfg.loadLoraUrl().isBlank()) {
                loadLora(model, adapter);
            }
            Fs.writeString(Fs.child(in.workDir(), "model.txt"), model + "\n" + adapter + "\n", conf);
            LOG.info("iteration {}: tuning command produced model {}", in.iteration(), model);
            return ModelRef.name(model);
        } catch (IOException e) {
            throw new TuningException("tuning.command could not be prepared: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces each placeholder {@code {name}} by a reference to an environment variable, {@code ${KKA_NAME}}: the
     * shell expands it as data, so a model name or path holding quotes, {@code ;} or {@code $(…)} can never run as
     * code (splicing the values into {@code sh -c} could). {@code {iteration}}, a number, is written as is, so it
     * also works inside single quotes.
     *
     * @param command the configured command
     * @param values  the placeholders' values by name
     * @return the command the shell runs
     */
    static String substitute(String command, Map<String, String> values) {
        String out = command;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String to = e.getKey().equals("iteration") && e.getValue().matches("\\d+") ? e.getValue()
                    : "${" + variable(e.getKey()) + "}";
            out = out.replace("{" + e.getKey() + "}", to);
        }
        return out;
    }

    static String variable(String name) {
        return "KKA_" + name.toUpperCase(java.util.Locale.ROOT);
    }

    private static Map<String, String> env(Map<String, String> values) {
        Map<String, String> env = new LinkedHashMap<>();
        values.forEach((k, v) -> env.put(variable(k), v));
        return env;
    }

    private void run(String command, Map<String, String> env, int iteration) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    LOG.info("[tuning.command it{}] {}", iteration, line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 5) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debug("tuning.command output closed", e);
            }
        }, "kka-tuning-output");
        pump.setDaemon(true);
        pump.start();
        try {
            if (!p.waitFor((long) cfg.timeoutS(), TimeUnit.SECONDS)) {
                killTree(p);
                throw new TuningException("tuning.command did not finish within " + (long) cfg.timeoutS()
                        + " s (tuning.timeout_s)");
            }
            pump.join(5000);
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw new TuningException("interrupted while running tuning.command", e);
        }
        if (p.exitValue() != 0) {
            synchronized (tail) {
                throw new TuningException("tuning.command exited with " + p.exitValue() + ": "
                        + String.join(" | ", tail));
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TuningException("interrupted while retrying", e);
        }
    }

    /** Kills the command and everything it started (a training job under {@code sh -c} outlives its shell). */
    static void killTree(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private void loadLora(String model, String adapter) {
        if (adapter.isEmpty()) {
            throw new TuningException("tuning.load_lora_url is set but tuning.command wrote no adapter path on the"
                    + " second line of {output}");
        }
        ObjectNode body = JsonHttp.json().createObjectNode();
        body.put("lora_name", model);
        body.put("lora_path", adapter);
        String base = cfg.loadLoraUrl().replaceAll("/+$", "");
        String url = base.endsWith("/v1") ? base + "/load_lora_adapter" : base + "/v1/load_lora_adapter";
        new JsonHttp(cfg.apiKey() == null ? null : cfg.apiKey().resolve().reveal(), CommandTuner::sleep)
                .post(url, body, JsonHttp.Repeat.ONLY_IF_NOT_RECEIVED);
        LOG.info("loaded LoRA adapter {} from {} into {}", model, adapter, base);
    }
}

package io.kka.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.store.Fs;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Writes preference pairs in the two formats users feed to tuners (schemas in data-schemas/):
 * TRL ({@code {"prompt","chosen","rejected"}}, one JSON object per line) and OpenAI fine-tuning with method dpo
 * ({@code {"input":{"messages":[…]},"preferred_output":[…],"non_preferred_output":[…]}}).
 */
public final class PairsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PairsWriter() {
    }

    /** @return the TRL JSONL text */
    public static String trl(List<PreferencePair> pairs) {
        StringBuilder sb = new StringBuilder();
        for (PreferencePair p : pairs) {
            ObjectNode o = JSON.createObjectNode();
            o.put("prompt", p.system() == null || p.system().isBlank() ? p.prompt() : p.system() + "\n\n" + p.prompt());
            o.put("chosen", p.chosen());
            o.put("rejected", p.rejected());
            sb.append(write(o)).append('\n');
        }
        return sb.toString();
    }

    /** @return the OpenAI DPO JSONL text */
    public static String openAi(List<PreferencePair> pairs) {
        StringBuilder sb = new StringBuilder();
        for (PreferencePair p : pairs) {
            ObjectNode o = JSON.createObjectNode();
            ObjectNode input = o.putObject("input");
            ArrayNode messages = input.putArray("messages");
            if (p.system() != null && !p.system().isBlank()) {
                messages.addObject().put("role", "system").put("content", p.system());
            }
            messages.addObject().put("role", "user").put("content", p.prompt());
            input.putArray("tools");
            input.put("parallel_tool_calls", true);
            o.putArray("preferred_output").addObject().put("role", "assistant").put("content", p.chosen());
            o.putArray("non_preferred_output").addObject().put("role", "assistant").put("content", p.rejected());
            sb.append(write(o)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes both files atomically.
     *
     * @param trlUri    TRL JSONL destination
     * @param openAiUri OpenAI DPO JSONL destination
     * @param pairs     the pairs
     * @param conf      Hadoop configuration
     */
    public static void write(String trlUri, String openAiUri, List<PreferencePair> pairs, Configuration conf) {
        Fs.writeString(trlUri, trl(pairs), conf);
        Fs.writeString(openAiUri, openAi(pairs), conf);
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

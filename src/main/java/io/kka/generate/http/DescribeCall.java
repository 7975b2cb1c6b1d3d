package io.kka.generate.http;

import io.kka.generate.DescriptionParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Eq. 3 for one prompt row: the chat request, and the reply turned into description rows
 * ({@link io.kka.generate.GenerationSchemas#DESCRIPTIONS}).
 *
 * <p>Every choice's text is parsed with {@link DescriptionParser}; descriptions are trimmed and de-duplicated
 * across the choices of the reply, and those naming a normal class are dropped when configured (and counted). The
 * request's usage goes to the first row only. A prompt always yields at least one row: when the call failed, the
 * reply had no choices, or nothing usable was left, a single row with a null description and an error.
 */
final class DescribeCall implements PartitionCaller.RowCall {
    private static final long serialVersionUID = 1L;
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private final Endpoint endpoint;
    private final ChatProtocol protocol;
    private final List<String> normalClasses;
    private final boolean dropNormal;

    DescribeCall(Endpoint endpoint, ChatProtocol protocol, List<String> normalClasses, boolean dropNormal) {
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.normalClasses = List.copyOf(normalClasses);
        this.dropNormal = dropNormal;
    }

    @Override
    public CallRequest request(Row row) {
        String prompt = row.getAs("prompt");
        long seed = row.<Long>getAs("seed");
        return CallRequest.of(endpoint, row.getAs("prompt_id"), protocol.body(row.getAs("system"), prompt, seed),
                seed, protocol.estimatedTokens(prompt));
    }

    @Override
    public PartitionCaller.Converted convert(Row row, CallResult result) {
        if (!result.ok()) {
            Usage u = new Usage(result.attempts(), result.retries(), 0, 0, 0, false, 0.0);
            return single(row, result.error(), u);
        }
        Usage usage = protocol.usage(result);
        List<String> contents = ChatProtocol.contents(result.reply());
        if (contents.isEmpty()) {
            return single(row, error("reply had no choices", result), usage);
        }
        Map<String, String> unique = new LinkedHashMap<>();
        contents.forEach(c -> DescriptionParser.parse(c)
                .forEach(d -> unique.putIfAbsent(SPACES.matcher(d.toLowerCase(Locale.ROOT)).replaceAll(" "), d)));
        List<String> kept = new ArrayList<>();
        int dropped = 0;
        for (String d : unique.values()) {
            if (dropNormal && DescriptionParser.namedClass(d, normalClasses) != null) {
                dropped++;
            } else {
                kept.add(d);
            }
        }
        if (kept.isEmpty()) {
            String why = unique.isEmpty() ? "reply held no descriptions"
                    : "all " + dropped + " descriptions named a normal class (llm.drop_normal_mentions)";
            PartitionCaller.Converted c = single(row, error(why, result), usage);
            return new PartitionCaller.Converted(c.rows(), usage, 1, dropped);
        }
        List<Row> rows = new ArrayList<>();
        Usage rest = new Usage(0, 0, 0, 0, 0, usage.cached(), 0.0);
        for (int i = 0; i < kept.size(); i++) {
            String d = kept.get(i);
            rows.add(descriptionRow(row, StableIds.of(row.getAs("prompt_id"), i, d), d, i == 0 ? usage : rest,
                    null));
        }
        return new PartitionCaller.Converted(rows, usage, 0, dropped);
    }

    @Override
    public List<Row> failed(Row row, CallError error) {
        return single(row, error, Usage.NONE).rows();
    }

    private CallError error(String message, CallResult result) {
        return new CallError(endpoint.kind().stage(), 200, message, result.attempts());
    }

    private PartitionCaller.Converted single(Row row, CallError error, Usage usage) {
        Row r = descriptionRow(row, StableIds.of(row.getAs("prompt_id"), "error"), null, usage, error);
        return new PartitionCaller.Converted(List.of(r), usage, 1, 0);
    }

    private Row descriptionRow(Row prompt, String id, String description, Usage usage, CallError error) {
        return RowFactory.create(id, prompt.getAs("prompt_id"), prompt.getAs("iteration"), description,
                endpoint.model(), prompt.getAs("seed"), usage.toRow(), error == null ? null : error.toRow());
    }
}

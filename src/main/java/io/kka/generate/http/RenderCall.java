package io.kka.generate.http;

import io.kka.data.BadRecordException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Eq. 4 for one description row: the image request, and the reply turned into generated sample rows.
 *
 * <p>A description yields exactly {@code images_per_description} rows (image k = 0, 1, …): a decoded image, or
 * an error row naming the description when the call failed or image k is missing, truncated or undecodable. A
 * description row that is itself an error (a failed prompt) passes through as one error row. The description's
 * usage and the image request's usage go to the first row only, so the samples table sums to the stage's cost.
 */
final class RenderCall implements PartitionCaller.RowCall {
    private static final long serialVersionUID = 1L;
    private final Endpoint endpoint;
    private final ImageProtocol protocol;
    private final GeneratedImage images;
    private final int perDescription;
    private final double pricePerImage;

    RenderCall(Endpoint endpoint, ImageProtocol protocol, GeneratedImage images, int perDescription,
            double pricePerImage) {
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.images = images;
        this.perDescription = perDescription;
        this.pricePerImage = pricePerImage;
    }

    @Override
    public CallRequest request(Row row) {
        if (row.getAs("description") == null || row.getAs("error") != null) {
            return null;
        }
        GeneratedImage.Origin o = origin(row);
        return CallRequest.of(endpoint, o.descriptionId(), protocol.body(o.description(), o.seed()), o.seed(), 0);
    }

    @Override
    public PartitionCaller.Converted convert(Row row, CallResult result) {
        GeneratedImage.Origin o = origin(row);
        Usage upstream = Usage.fromRow(row.getAs("usage"));
        if (result == null) {
            CallError e = CallError.fromRow(row.getAs("error"));
            CallError err = e != null ? e : new CallError(endpoint.kind().stage(), null, "no description", 0);
            return new PartitionCaller.Converted(List.of(images.error(o, 0, err, upstream)), Usage.NONE, 1, 0);
        }
        if (!result.ok()) {
            Usage u = new Usage(result.attempts(), result.retries(), 0, 0, 0, false, 0.0);
            return each(o, upstream.plus(u), u, k -> null, result.error());
        }
        List<String> b64 = protocol.images(result.reply());
        Usage u = new Usage(result.attempts(), result.retries(), 0, 0, b64.size(), result.cached(),
                result.cached() ? 0.0 : b64.size() * pricePerImage);
        return each(o, upstream.plus(u), u, k -> k < b64.size() ? b64.get(k) : null,
                new CallError(endpoint.kind().stage(), 200, "", result.attempts()));
    }

    /** Builds rows k = 0..n-1; {@code data} gives image k's base64 or null, {@code why} the error of a missing one. */
    private PartitionCaller.Converted each(GeneratedImage.Origin o, Usage first, Usage paid,
            java.util.function.IntFunction<String> data, CallError why) {
        List<Row> rows = new ArrayList<>();
        int errors = 0;
        Usage rest = new Usage(0, 0, 0, 0, 0, first.cached(), 0.0);
        for (int k = 0; k < perDescription; k++) {
            Usage u = k == 0 ? first : rest;
            String b64 = data.apply(k);
            String problem;
            if (b64 != null) {
                try {
                    rows.add(images.decode(b64, o, k, u));
                    continue;
                } catch (BadRecordException e) {
                    problem = "undecodable image: " + e.getMessage();
                }
            } else {
                problem = why.message().isEmpty() ? "image " + k + " missing from the reply" : why.message();
            }
            errors++;
            rows.add(images.error(o, k, new CallError(why.stage(), why.status(), describe(o) + ": " + problem,
                    why.attempts()), u));
        }
        return new PartitionCaller.Converted(rows, paid, errors, 0);
    }

    @Override
    public List<Row> failed(Row row, CallError error) {
        return List.of(images.error(origin(row), 0, error, Usage.NONE));
    }

    private static String describe(GeneratedImage.Origin o) {
        String d = o.description() == null ? "" : o.description();
        return "description " + o.descriptionId() + " (\"" + (d.length() > 60 ? d.substring(0, 57) + "..." : d)
                + "\")";
    }

    private GeneratedImage.Origin origin(Row row) {
        String id = row.getAs("description_id");
        // 31 bits: the seed AUTOMATIC1111 takes, recorded as sent
        long seed = StableIds.seed(row.<Long>getAs("seed"), "image", id) & 0x7fffffffL;
        return new GeneratedImage.Origin(id, row.getAs("prompt_id"), row.getAs("iteration"),
                row.getAs("description"), row.getAs("llm_model"), endpoint.label(), seed);
    }
}

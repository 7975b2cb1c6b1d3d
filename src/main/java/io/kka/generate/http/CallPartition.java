package io.kka.generate.http;

import io.kka.config.ConfigException;
import io.kka.config.SecretRef;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of an HTTP stage: per partition, start the partition's {@link Deadline}, resolve the API key
 * (here, on the executor, never on the driver or in a closure), open the endpoint caller once, and run the
 * {@link PartitionCaller}.
 */
final class CallPartition implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CallPartition.class);
    private final Endpoint endpoint;
    private final PartitionCaller.RowCall call;
    private final ReplyCheck check;
    private final ResponseCache cache;
    private final double deadlineS;
    private final StageMeter meter;

    CallPartition(Endpoint endpoint, PartitionCaller.RowCall call, ReplyCheck check, ResponseCache cache,
            double deadlineS, StageMeter meter) {
        this.endpoint = endpoint;
        this.call = call;
        this.check = check;
        this.cache = cache;
        this.deadlineS = deadlineS;
        this.meter = meter;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        // counted from here, on this executor's monotonic clock: the driver's clock never enters the comparison
        Deadline deadline = Deadline.startingNow(deadlineS);
        SecretRef.Secret secret;
        try {
            secret = endpoint.apiKey() == null ? null : endpoint.apiKey().resolve();
        } catch (ConfigException e) {
            // every row of the partition fails the same way; say it once in the log and on each row
            String msg = "API key " + endpoint.apiKey() + " cannot be resolved on this executor: " + e.getMessage();
            LOG.error("{}: {}", meter.stage(), msg);
            CallError err = new CallError(endpoint.kind().stage(), null, msg, 0);
            return flatten(input, err);
        }
        EndpointCaller caller = EndpointCaller.open(endpoint, check, cache, deadline, secret);
        // twice the in-flight limit: a row sleeping before a retry holds a thread but no connection
        int threads = Math.min(2 * endpoint.http().concurrency(), 512);
        return PartitionCaller.run(input, call, caller, meter, threads);
    }

    private Iterator<Row> flatten(Iterator<Row> input, CallError err) {
        return new Iterator<>() {
            private Iterator<Row> current = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && input.hasNext()) {
                    List<Row> rows = call.failed(input.next(), err);
                    meter.record(null, new PartitionCaller.Converted(rows, Usage.NONE, rows.size(), 0));
                    current = rows.iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                hasNext();
                return current.next();
            }
        };
    }
}

package io.kka.detect;

import io.kka.data.Columns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Executor side of {@link DeepSadModel#score} and {@link DeepSadModel#embed}: rebuilds the network once per
 * partition from the broadcast model, runs it in inference mode on minibatches and appends one value per row
 * (the squared distance to c, or φ(x) as a vector).
 */
final class EmbedRows implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 256;

    /** What to append. */
    enum Mode {
        /** squared distance to c, a double */
        SCORE,
        /** φ(x), an ml Vector */
        FEATURES
    }

    private final Broadcast<DeepSadModel> model;
    private final Mode mode;
    private final int imageIndex;
    private final int idIndex;
    private final int threads;

    EmbedRows(Broadcast<DeepSadModel> model, Mode mode, int imageIndex, int idIndex, int threads) {
        this.model = model;
        this.mode = mode;
        this.imageIndex = imageIndex;
        this.idIndex = idIndex;
        this.threads = threads;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (threads > 0) {
            new ThreadLimit(threads).apply();
        }
        DeepSadModel m = model.value();
        MultiLayerNetwork net = m.snapshot().rebuild();
        double[] c = m.center();
        return new Iterator<>() {
            private final List<Row> ready = new ArrayList<>();
            private int pos;

            @Override
            public boolean hasNext() {
                if (pos < ready.size()) {
                    return true;
                }
                ready.clear();
                pos = 0;
                List<Row> in = new ArrayList<>(BATCH);
                while (in.size() < BATCH && rows.hasNext()) {
                    in.add(rows.next());
                }
                if (!in.isEmpty()) {
                    ready.addAll(process(net, c, m, in));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(pos++);
            }
        };
    }

    private List<Row> process(MultiLayerNetwork net, double[] c, DeepSadModel m, List<Row> in) {
        List<byte[]> px = new ArrayList<>(in.size());
        for (Row r : in) {
            String id = idIndex >= 0 && !r.isNullAt(idIndex) ? r.getString(idIndex) : "?";
            if (r.isNullAt(imageIndex)) {
                throw new io.kka.data.InvalidInputException("sample " + id + ": " + Columns.IMAGE + " is null");
            }
            px.add(Pixels.chw((byte[]) r.get(imageIndex), m.imageSize(), m.channels(), id));
        }
        double[][] out = net.output(Pixels.batch(px, px.get(0).length), false).castTo(DataType.DOUBLE)
                .toDoubleMatrix();
        List<Row> result = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Object value = mode == Mode.SCORE ? (Object) DeepSadModel.squaredDistance(out[i], c)
                    : Vectors.dense(out[i]);
            result.add(append(in.get(i), value));
        }
        return result;
    }

    static Row append(Row r, Object value) {
        Object[] v = new Object[r.length() + 1];
        for (int i = 0; i < r.length(); i++) {
            v[i] = r.get(i);
        }
        v[r.length()] = value;
        return RowFactory.create(v);
    }

    /** @return the index of a column, or -1 */
    static int indexOf(String[] columns, String name) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}

package io.kka.generate.embedded;

import io.kka.config.DataConfig;
import io.kka.config.EmbeddedImageConfig;
import io.kka.data.BadRecordException;
import io.kka.data.ImageCodec;
import io.kka.data.Role;
import io.kka.data.Split;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of the embedded renderer's last step: a description joined to its drawn bank image (or to
 * nothing) → a row of {@link io.kka.data.SampleSchema}: role generated, split train, label 1, the bank image
 * changed as the description's attributes say ({@link AttributeOps}) and then augmented, or a null image with an
 * error struct. A description that cannot be rendered gives one error row, however
 * many images were asked for.
 */
final class BankRender implements FlatMapFunction<Row, Row> {
    /** image_model recorded on every row */
    static final String MODEL = "embedded-bank";
    private static final long serialVersionUID = 1L;
    private static final int ERROR = io.kka.data.SampleSchema.SCHEMA.fieldIndex(io.kka.data.Columns.ERROR);
    private final DataConfig data;
    private final EmbeddedImageConfig cfg;
    private final Attributes attributes;
    private final int images;

    BankRender(DataConfig data, EmbeddedImageConfig cfg, Attributes attributes, int images) {
        this.data = data;
        this.cfg = cfg;
        this.attributes = attributes;
        this.images = images;
    }

    @Override
    public Iterator<Row> call(Row r) {
        Row out = render(r);
        boolean repeatError = !out.isNullAt(ERROR) && r.<Integer>getAs("_j") > 0;
        return repeatError ? Collections.emptyIterator() : Collections.singletonList(out).iterator();
    }

    private Row render(Row r) {
        String id = r.getAs("description_id");
        String text = r.getAs("description");
        Row error = r.getAs("error");
        String cls = r.getAs("_class");
        byte[] bank = r.getAs("_bank_image");
        if (error != null) {
            return failed(r, id, text, error);
        }
        if (r.getAs("_match_error") != null) {
            return failed(r, id, text, RowFactory.create("image", null, r.getAs("_match_error"), 1));
        }
        if (bank == null) {
            return failed(r, id, text, RowFactory.create("image", null, "no image in the embedded bank matches '"
                    + text + "' (the bank holds no " + cls + " images: it is built only from auxiliary training"
                    + " images of non-normal classes)", 1));
        }
        String bankId = r.getAs("_bank_id");
        int j = r.<Integer>getAs("_j");
        String source = "embedded-bank:" + bankId + "#" + id + (images > 1 ? "/" + j : "");
        BufferedImage img;
        try {
            img = ImageCodec.normalize(ImageCodec.decode(bank, source), data.imageSize(), data.channels(), true,
                    true, source);
        } catch (BadRecordException e) {
            return failed(r, id, text, RowFactory.create("image", null, "bank image " + bankId + " is unreadable: "
                    + e.getMessage(), 1));
        }
        long aug = r.<Long>getAs("_aug");
        byte[] drawn = AttributeOps.apply(ops(r.getAs("_shape"), text), ImageCodec.pixels(img), img.getWidth(),
                img.getHeight(), data.channels(), aug ^ 0x5DEECE66DL);
        byte[] px = new Augmenter(cfg).apply(drawn, img.getWidth(), img.getHeight(), data.channels(), aug);
        byte[] png = ImageCodec.png(ImageCodec.fromPixels(px, img.getWidth(), img.getHeight(), data.channels()));
        Row usage = RowFactory.create(1, 0, 0L, 0L, 1, false, 0.0);
        return row(r, ImageCodec.sampleId(source, px), cls, text, png, img.getWidth(), img.getHeight(), source,
                usage, null);
    }

    /** @return the item's shape operations, then those the description's words ask for */
    private List<AttributeOps.Op> ops(String shape, String text) {
        List<AttributeOps.Op> ops = new ArrayList<>();
        if (shape != null) {
            for (String op : shape.split(" ")) {
                ops.add(AttributeOps.Op.parse(op, "lexicon"));
            }
        }
        ops.addAll(attributes.match(text));
        return ops;
    }

    private Row failed(Row r, String id, String text, Row error) {
        String source = "embedded-bank:none#" + id;
        Row usage = RowFactory.create(0, 0, 0L, 0L, 0, false, 0.0);
        return row(r, ImageCodec.sampleId(source, new byte[0]), null, text, null, null, null, source, usage, error);
    }

    private Row row(Row r, String sampleId, String cls, String text, byte[] png, Integer w, Integer h, String source,
            Row usage, Row error) {
        return RowFactory.create(sampleId, Role.GENERATED.value(), Split.TRAIN.value(), 1, cls, text,
                text == null ? null : new String[] {text}, png, w, h, png == null ? null : data.channels(), source,
                r.getAs("iteration"), r.getAs("prompt_id"), r.getAs("llm_model"), MODEL, r.getAs("seed"), usage,
                error, null, null, null);
    }
}

package io.kka.detect;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches on the oneDNN paths of DL4J 1.0.0-M2 in this JVM; must run before the first network is built.
 *
 * <p>DL4J M2's layers can run convolution and pooling on oneDNN (its {@code MKLDNN*Helper} classes), which the
 * {@code linux-x86_64-onednn} build of nd4j-native carries. Two defects keep that code dead out of the box:
 * <ol>
 *   <li>{@code HelperUtils.createHelper} reads {@value #HELPERS_DISABLED} and treats a missing property as
 *       {@code true}: no helper is ever created unless it is set to {@code false};</li>
 *   <li>{@code BaseMKLDNNHelper.mklDnnEnabled} looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, a class
 *       that moved in ND4J M2; the lookup throws, is caught, and the helpers report themselves unsupported. This
 *       project ships a class of that name ({@link org.nd4j.nativeblas.Nd4jCpu}) that answers from the real one.</li>
 * </ol>
 * Measured on the reference LeNet (2 cores, batch 128): training 135 → 560 samples/s and inference 350 → 2,460
 * samples/s on one thread, from these two fixes alone (see {@code kka bench train}).
 *
 * <p>Which native build loads is JavaCPP's choice among the nd4j-native jars on the classpath; this project packages
 * {@code linux-x86_64-onednn}, which runs on any x86-64 CPU (oneDNN picks SSE4.1, AVX2 or AVX-512 kernels at run
 * time; the {@code -avx2}/{@code -avx512} builds measured no faster here). Driver entry points call
 * {@link #configure()}; executors do it through {@link io.kka.spark.NativeBackendPlugin} before any task.
 */
public final class NativeBackend {
    /** DL4J's switch for layer helpers (cuDNN, oneDNN); absent means disabled in M2. */
    public static final String HELPERS_DISABLED = "org.eclipse.deeplearning4j.helpers.disable";
    private static final Logger LOG = LoggerFactory.getLogger(NativeBackend.class);
    private static volatile boolean configured;

    private NativeBackend() {
    }

    /**
     * Enables DL4J's layer helpers unless the user set {@value #HELPERS_DISABLED} explicitly (then that wins).
     * Idempotent and cheap; safe to call from any thread.
     */
    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (NativeBackend.class) {
            if (!configured) {
                String set = System.getProperty(HELPERS_DISABLED);
                if (set == null) {
                    System.setProperty(HELPERS_DISABLED, "false");
                } else if (Boolean.parseBoolean(set.trim().toLowerCase(Locale.ROOT))) {
                    LOG.info("{}=true: DL4J layer helpers (oneDNN) stay off; training runs ~4x slower",
                            HELPERS_DISABLED);
                }
                configured = true;
            }
        }
    }

    /**
     * @return the loaded native build in a few words, e.g. {@code "oneDNN + OPENBLAS"} or {@code "plain +
     *     OPENBLAS"} (loads the backend if it is not yet loaded)
     */
    public static String describe() {
        org.nd4j.linalg.factory.Nd4j.getExecutioner();
        String info = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        Object blas = org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor");
        return (info != null && info.contains("HAVE_ONEDNN") ? "oneDNN" : "plain") + " + " + blas;
    }

    /** @return whether layer helpers are enabled in this JVM (after {@link #configure()}) */
    public static boolean helpersEnabled() {
        return !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLED, "true"));
    }
}

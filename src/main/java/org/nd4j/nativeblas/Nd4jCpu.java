package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim for DL4J 1.0.0-M2, which looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment} to ask
 * whether the loaded native build has oneDNN; ND4J M2 moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu}. Without this class the lookup fails and DL4J never uses
 * oneDNN for convolution or pooling, whichever native build is loaded (see {@link io.kka.detect.NativeBackend}).
 *
 * <p>Only the one method DL4J calls exists. The real class is reached reflectively, so this compiles against every
 * backend (the CUDA profile has none: there the answer is {@code false}).
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The subset of ND4J's {@code Nd4jCpu.Environment} that DL4J M2's {@code BaseMKLDNNHelper} calls. */
    public static final class Environment {
        private static final String REAL = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        /** @return the shim */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /** @return whether the loaded CPU backend was built with oneDNN and uses it */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName(REAL, true, Environment.class.getClassLoader());
                Object real = env.getMethod("getInstance").invoke(null);
                Method use = env.getMethod("isUseONEDNN");
                return (Boolean) use.invoke(real);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}

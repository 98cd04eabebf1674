package io.eager4j.internal.cpu;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Chooses the process's {@link Gemm} once. System property {@value #PROPERTY} forces one:
 * {@code openblas}, {@code java} or {@code reference} ({@code auto} or unset: the default). The default
 * is OpenBLAS if it loads, else the Vector API kernel if {@code jdk.incubator.vector} is present, else
 * plain loops. The choice and every reason for a fallback go to stderr once, at first use, unless the
 * environment sets {@code EAGER4J_QUIET=1}:
 * <pre>eager4j: GEMM = openblas (libopenblas.so.0 from org.bytedeco jar, 1 thread); large products split over 2 threads (eager4j.threads)</pre>
 */
public final class Gemms {
    public static final String PROPERTY = "eager4j.cpu";
    public static final String THREADS = "eager4j.threads";
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** A GEMM and the one log line that explains it. */
    record Choice(Gemm gemm, String line) {}

    private static final class Default {
        static final Choice CHOICE;
        static final RuntimeException FAILURE; // a forced choice that cannot be met, rethrown at every use

        static {
            Choice choice = null;
            RuntimeException failure = null;
            try {
                choice = choose(System.getProperty(PROPERTY), vectorApiPresent(), OpenBlasLoader::result);
            } catch (RuntimeException e) {
                failure = e;
            }
            CHOICE = choice;
            FAILURE = failure;
            if (choice != null && !"1".equals(System.getenv("EAGER4J_QUIET"))) {
                System.err.println(choice.line() + threadsNote());
            }
        }

        static Choice get() {
            if (FAILURE != null) {
                throw new IllegalStateException(FAILURE.getMessage(), FAILURE);
            }
            return CHOICE;
        }
    }

    private Gemms() {}

    /**
     * Threads for one large product, the caller included: {@value #THREADS} if set, else 2 on a machine
     * with 2 or more cores. Two is what was measured to pay (a 2-core box: 1.8x on the seed's big
     * products); more are allowed but unmeasured.
     */
    public static int threads() {
        String v = System.getProperty(THREADS);
        if (v == null || v.isBlank()) {
            return Math.min(2, Runtime.getRuntime().availableProcessors());
        }
        try {
            int t = Integer.parseInt(v.strip());
            if (t >= 1) return t;
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(THREADS + "=" + v + " is not a thread count: use a whole number, 1 or more");
    }

    private static String threadsNote() {
        int t = threads();
        return t == 1 ? "; products on 1 thread" : "; large products split over " + t + " threads (" + THREADS + ")";
    }

    /** The process-wide GEMM (chosen and logged on first call). */
    public static Gemm get() {
        return Default.get().gemm();
    }

    /** The start-up line: which GEMM serves and why. */
    public static String reason() {
        return Default.get().line();
    }

    /** The OpenBLAS file in use by the default GEMM, if it is OpenBLAS. */
    public static Optional<Path> openBlasFile() {
        return get() instanceof OpenBlasGemm o ? Optional.of(o.library().file()) : Optional.empty();
    }

    /** A GEMM as {@value #PROPERTY} would choose it, without logging; null or "auto" is the default. */
    public static Gemm select(String forced) {
        return choose(forced, vectorApiPresent(), OpenBlasLoader::result).gemm();
    }

    public static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** The decision itself, with its inputs injectable so tests can take every branch. */
    static Choice choose(String forced, boolean vectorPresent, Supplier<OpenBlasLoader.Result> blas) {
        String f = forced == null ? "auto" : forced.strip().toLowerCase(Locale.ROOT);
        String noVector = VECTOR_MODULE + " is not present (pass --add-modules " + VECTOR_MODULE + ")";
        switch (f) {
            case "reference" -> {
                return new Choice(ReferenceGemm.INSTANCE, "eager4j: GEMM = reference (plain loops, forced by "
                        + PROPERTY + "=reference)");
            }
            case "java" -> {
                if (!vectorPresent) {
                    throw new IllegalStateException(PROPERTY + "=java needs the Vector API: " + noVector);
                }
                return new Choice(VectorHolder.gemm(), "eager4j: GEMM = java (" + VectorHolder.describe()
                        + ", forced by " + PROPERTY + "=java)");
            }
            case "openblas", "auto", "" -> {
                OpenBlasLoader.Result r = blas.get();
                if (r.library() != null) {
                    String forcedNote = f.equals("openblas") ? ", forced by " + PROPERTY + "=openblas" : "";
                    return new Choice(new OpenBlasGemm(r.library()),
                            "eager4j: GEMM = openblas (" + r.library().describe() + forcedNote + ")");
                }
                String why = "OpenBLAS not loaded: " + String.join("; ", r.reasons());
                if (f.equals("openblas")) {
                    throw new IllegalStateException(PROPERTY + "=openblas but " + why);
                }
                if (vectorPresent) {
                    return new Choice(VectorHolder.gemm(), "eager4j: GEMM = java (" + VectorHolder.describe() + "); " + why);
                }
                return new Choice(ReferenceGemm.INSTANCE, "eager4j: GEMM = reference (plain loops, ~20x slower); "
                        + why + "; Vector API unavailable: " + noVector);
            }
            default -> throw new IllegalArgumentException(PROPERTY + "=" + forced
                    + " is not a GEMM: use openblas, java, reference or auto");
        }
    }

    /** Touches VectorGemm only when the module is known present, so its absence is a reason, not a crash. */
    private static final class VectorHolder {
        static Gemm gemm() {
            return VectorGemm.INSTANCE;
        }

        static String describe() {
            return VectorGemm.describe();
        }
    }
}

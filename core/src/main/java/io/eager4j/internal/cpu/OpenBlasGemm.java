package io.eager4j.internal.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code cblas_sgemm} through a Foreign Function &amp; Memory downcall. The heap arrays are passed
 * directly ({@code Linker.Option.critical(true)}): no copy, tens of nanoseconds a call.
 */
@SuppressWarnings("restricted") // a native downcall is the point of this class
public final class OpenBlasGemm implements Gemm {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    // Resolved once. Unbound (the function address is the first argument) so one handle serves every
    // library we load: the bundled one, the system one in tests, an explicit path.
    private static final MethodHandle SGEMM = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT),
            Linker.Option.critical(true));

    private final OpenBlasLibrary library;
    private final MemorySegment sgemm;

    public OpenBlasGemm(OpenBlasLibrary library) {
        this.library = library;
        this.sgemm = library.sgemm();
    }

    /** The process-wide OpenBLAS; IllegalStateException with every reason when none loads. */
    public static OpenBlasGemm load() {
        OpenBlasLoader.Result r = OpenBlasLoader.result();
        if (r.library() == null) {
            throw new IllegalStateException("OpenBLAS could not be loaded: " + String.join("; ", r.reasons()));
        }
        return new OpenBlasGemm(r.library());
    }

    public OpenBlasLibrary library() {
        return library;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                      boolean accumulate) {
        // bounds checked here: the native code would silently read or write past the arrays
        if (!GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate)) {
            return;
        }
        try {
            SGEMM.invokeExact(sgemm, ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                    1f, MemorySegment.ofArray(a).asSlice(aOff * 4L), lda,
                    MemorySegment.ofArray(b).asSlice(bOff * 4L), ldb,
                    accumulate ? 1f : 0f, MemorySegment.ofArray(c).asSlice(cOff * 4L), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("sgemm: OpenBLAS call failed (" + library.file() + ")", t);
        }
    }

    @Override
    public String name() {
        return "openblas";
    }
}

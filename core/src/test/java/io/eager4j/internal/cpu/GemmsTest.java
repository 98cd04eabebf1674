package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class GemmsTest {
    private static final Supplier<OpenBlasLoader.Result> NO_BLAS =
            () -> new OpenBlasLoader.Result(null, List.of("org.bytedeco jar: not on the class path", "system: absent"));

    @Test
    void defaultPrefersOpenBlasThenJava() {
        Gemm gemm = Gemms.get();
        String expected = OpenBlasLoader.library().isPresent() ? "openblas" : "java";
        assertEquals(expected, gemm.name(), Gemms.reason());
        assertTrue(Gemms.reason().startsWith("eager4j: GEMM = " + expected + " ("), Gemms.reason());
        assertEquals(OpenBlasLoader.library().map(OpenBlasLibrary::file), Gemms.openBlasFile());
    }

    @Test
    void withoutOpenBlasTheVectorApiServesAndSaysWhy() {
        Gemms.Choice c = Gemms.choose(null, true, NO_BLAS);
        assertInstanceOf(VectorGemm.class, c.gemm());
        assertTrue(c.line().startsWith("eager4j: GEMM = java (Vector API, "), c.line());
        assertTrue(c.line().contains("OpenBLAS not loaded: org.bytedeco jar: not on the class path; system: absent"),
                c.line());
    }

    @Test
    void withoutEitherPlainLoopsServeAndTheFixIsNamed() {
        Gemms.Choice c = Gemms.choose("auto", false, NO_BLAS);
        assertSame(ReferenceGemm.INSTANCE, c.gemm());
        assertTrue(c.line().contains("pass --add-modules jdk.incubator.vector"), c.line());
    }

    @Test
    void forcedChoicesAreObeyedOrFailLoudly() {
        assertSame(ReferenceGemm.INSTANCE, Gemms.choose("reference", true, NO_BLAS).gemm());
        assertInstanceOf(VectorGemm.class, Gemms.choose(" Java ", true, NO_BLAS).gemm());
        var noBlas = assertThrows(IllegalStateException.class, () -> Gemms.choose("openblas", true, NO_BLAS));
        assertTrue(noBlas.getMessage().contains("eager4j.cpu=openblas but OpenBLAS not loaded: org.bytedeco jar"),
                noBlas.getMessage());
        var noVector = assertThrows(IllegalStateException.class, () -> Gemms.choose("java", false, NO_BLAS));
        assertTrue(noVector.getMessage().contains("--add-modules jdk.incubator.vector"), noVector.getMessage());
        var typo = assertThrows(IllegalArgumentException.class, () -> Gemms.select("mkl"));
        assertTrue(typo.getMessage().contains("use openblas, java, reference or auto"), typo.getMessage());
    }
}

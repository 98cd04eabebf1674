package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The symbol names we bind are the libraries' real ones (cuMemAlloc_v2, not cuda.h's cuMemAlloc
 * macro): checked against cuda.h where a toolkit is installed, and against the libraries
 * themselves where they load.
 */
class NativeSymbolsTest {
    static Path cudaHeader() {
        try (Stream<Path> dirs = Files.list(Path.of("/usr/local"))) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("cuda")).sorted()
                    .map(p -> p.resolve("include/cuda.h")).filter(Files::isRegularFile).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void driverSymbolsAreDeclaredInCudaH() throws IOException {
        Path header = cudaHeader();
        assumeTrue(header != null, "no /usr/local/cuda*/include/cuda.h");
        String h = Files.readString(header);
        try {   // the graph bindings live in a class of their own: load them too
            Class.forName(CudaGraphs.class.getName(), true, CudaGraphs.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        List<String> names = Driver.LIB.requested();
        assertEquals(32, names.size(), "bound driver symbols: " + names);
        for (String name : names) {
            boolean declared = Pattern.compile("CUresult CUDAAPI " + name + "\\(").matcher(h).find();
            // a versioned name is the target of the header's macro for the declared API name:
            // #define cuMemAlloc cuMemAlloc_v2, #define cuGraphInstantiate cuGraphInstantiateWithFlags
            boolean macro = false;
            var m = Pattern.compile("#define (\\w+)\\s+(__CUDA_API_PT[DS][SZ]\\()?" + name + "\\b").matcher(h);
            while (!macro && m.find()) macro = Pattern.compile("CUresult CUDAAPI " + m.group(1) + "\\(").matcher(h).find();
            assertTrue(declared || macro, name + " is not a symbol that " + header + " declares");
        }
    }

    @Test
    void cublasAndNvrtcExportEverySymbolWeBind() {
        assumeTrue(Cublas.LIB.available() || Nvrtc.LIB.available(), "neither libcublas nor libnvrtc loads here");
        if (Cublas.LIB.available()) assertNull(Cublas.UNAVAILABLE);
        if (Nvrtc.LIB.available()) assertNull(Nvrtc.UNAVAILABLE);
        assertEquals(5, Cublas.LIB.requested().size());
        assertEquals(7, Nvrtc.LIB.requested().size());
    }
}

package io.eager4j.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;

/** NVRTC: compiles the kernel sources to PTX at run time. A holder, loaded on the first kernel. */
final class Nvrtc {
    private Nvrtc() {}

    static final NativeLib LIB = NativeLib.cuda("libnvrtc.so.13", "libnvrtc.so.12");

    private static final MethodHandle nvrtcCreateProgram = LIB.find("nvrtcCreateProgram",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle nvrtcCompileProgram = LIB.find("nvrtcCompileProgram",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle nvrtcGetPTXSize = LIB.find("nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle nvrtcGetPTX = LIB.find("nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle nvrtcGetProgramLogSize = LIB.find("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle nvrtcGetProgramLog = LIB.find("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle nvrtcDestroyProgram = LIB.find("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static final String UNAVAILABLE = LIB.problem("NVRTC");

    /** A compile that NVRTC rejected; carries its log. */
    static final class CompileError extends IllegalStateException {
        final int status;

        CompileError(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    /**
     * PTX for {@code source}, whose {@code #include "name"} lines are served from {@code headers}.
     * {@code arch} is a virtual architecture such as {@code compute_90}.
     */
    static String compile(String name, String source, Map<String, String> headers, String arch) {
        return compile(name, source, headers, arch, List.of());
    }

    /** With {@code extra} options after eager4j's own (such as {@code -DT=float}). */
    static String compile(String name, String source, Map<String, String> headers, String arch, List<String> extra) {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException("GPU kernels need " + UNAVAILABLE + "; install the CUDA 13 (or 12) NVRTC library");
        }
        // no FMA contraction: a + (b - a) * u and friends round as in the reference backend
        List<String> options = new java.util.ArrayList<>(List.of("--gpu-architecture=" + arch, "--fmad=false", "-default-device"));
        options.addAll(extra);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDRESS);
            MemorySegment heads = a.allocate(ADDRESS, Math.max(1, headers.size()));
            MemorySegment names = a.allocate(ADDRESS, Math.max(1, headers.size()));
            int i = 0;
            for (var h : headers.entrySet()) {
                names.setAtIndex(ADDRESS, i, a.allocateFrom(h.getKey()));
                heads.setAtIndex(ADDRESS, i++, a.allocateFrom(h.getValue()));
            }
            check((int) nvrtcCreateProgram.invokeExact(prog, a.allocateFrom(source), a.allocateFrom(name), headers.size(), heads, names),
                    "nvrtcCreateProgram(" + name + ")");
            MemorySegment p = prog.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, options.size());
                for (int j = 0; j < options.size(); j++) opts.setAtIndex(ADDRESS, j, a.allocateFrom(options.get(j)));
                int rc = (int) nvrtcCompileProgram.invokeExact(p, options.size(), opts);
                if (rc != 0) {
                    throw new CompileError("NVRTC could not compile " + name + " for " + arch + " (nvrtcResult " + rc + "):\n" + log(a, p), rc);
                }
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) nvrtcGetPTXSize.invokeExact(p, size), "nvrtcGetPTXSize");
                MemorySegment ptx = a.allocate(size.get(JAVA_LONG, 0));
                check((int) nvrtcGetPTX.invokeExact(p, ptx), "nvrtcGetPTX");
                return ptx.getString(0);
            } finally {
                check((int) nvrtcDestroyProgram.invokeExact(prog), "nvrtcDestroyProgram");
            }
        } catch (Throwable t) {
            throw NativeLib.rethrow(t);
        }
    }

    private static String log(Arena a, MemorySegment p) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) nvrtcGetProgramLogSize.invokeExact(p, size) != 0) return "(no log)";
        MemorySegment text = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        if ((int) nvrtcGetProgramLog.invokeExact(p, text) != 0) return "(no log)";
        return text.getString(0);
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " failed with nvrtcResult " + rc);
        }
    }
}

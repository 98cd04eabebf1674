package io.eager4j.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

/**
 * One native library opened by the first of several names that loads (the dynamic linker's
 * search path decides where), or the reason none did. Handles are looked up once, by the holder
 * classes that keep them in static finals.
 */
final class NativeLib {
    private static final Linker LINKER = Linker.nativeLinker();

    private final SymbolLookup lookup;   // null when no candidate loaded
    private final String loaded;
    private final List<String> tried;
    private final List<String> missing = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> requested = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String failure;   // why nothing loaded, when it is not "none of the names was found"

    private NativeLib(SymbolLookup lookup, String loaded, List<String> tried, String failure) {
        this.lookup = lookup;
        this.loaded = loaded;
        this.tried = tried;
        this.failure = failure;
    }

    private NativeLib(SymbolLookup lookup, String loaded, List<String> tried) {
        this(lookup, loaded, tried, null);
    }

    /**
     * A CUDA library: the first of {@code candidates} that loads, or under {@code EAGER4J_CUDA=emulated}
     * the emulator's library, which serves the driver, cuBLAS and NVRTC alike.
     */
    static NativeLib cuda(String... candidates) {
        if (!Emulator.enabled()) {
            return open(candidates);
        }
        try {
            Path lib = Emulator.library();
            return new NativeLib(SymbolLookup.libraryLookup(lib, Arena.global()), "emulated (" + lib + ")", List.of(lib.toString()));
        } catch (IllegalStateException | IllegalArgumentException e) {
            return new NativeLib(null, null, List.of(candidates), e.getMessage());
        }
    }

    static NativeLib open(String... candidates) {
        for (String name : candidates) {
            try {
                return new NativeLib(SymbolLookup.libraryLookup(name, Arena.global()), name, List.of(candidates));
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        return new NativeLib(null, null, List.of(candidates));
    }

    boolean available() {
        return lookup != null;
    }

    /** The name that loaded, for logs. */
    String name() {
        return loaded;
    }

    /** "tried a, b": the tail of every "not available" message. */
    String tried() {
        return "tried " + String.join(", ", tried);
    }

    /**
     * The downcall for {@code symbol}, or null when the library or the symbol is absent: a holder's
     * static initializer must not throw, or its class would be unusable for the rest of the run.
     */
    MethodHandle find(String symbol, FunctionDescriptor fd) {
        requested.add(symbol);
        if (lookup == null) {
            return null;
        }
        var address = lookup.find(symbol);
        if (address.isEmpty()) {
            missing.add(symbol);
            return null;
        }
        return LINKER.downcallHandle(address.get(), fd);
    }

    /** Every symbol asked for, found or not: tests check the names against the CUDA headers. */
    List<String> requested() {
        return List.copyOf(requested);
    }

    /** Null when loaded with every symbol asked for, else one line saying what is wrong. */
    String problem(String what) {
        if (failure != null) {
            return failure;
        }
        if (lookup == null) {
            return what + " not available: " + tried();
        }
        if (!missing.isEmpty()) {
            return what + " not available: " + loaded + " lacks " + String.join(", ", missing)
                    + "; install a newer CUDA 12 or 13";
        }
        return null;
    }

    /** For downcall wrappers: invokeExact declares Throwable, but only unchecked ones can arise. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }
}

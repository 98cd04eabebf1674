package io.eager4j.internal;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where eager4j keeps what it downloads or builds once (datasets, the bundled OpenBLAS, GPU kernels,
 * the CUDA emulator): {@code $XDG_CACHE_HOME/eager4j}, else {@code $HOME/.cache/eager4j}, else under
 * Java's {@code user.home} (the account's home, which differs from {@code $HOME} under sudo, in
 * containers and in tests that move HOME). Relative values are ignored, as the XDG spec says.
 */
public final class CacheDir {
    private CacheDir() {}

    public static Path root() {
        return root(System::getenv);
    }

    /** {@code env} looks variables up: a map in tests. */
    public static Path root(Function<String, String> env) {
        String xdg = env.apply("XDG_CACHE_HOME"), home = env.apply("HOME");
        Path base;
        if (absolute(xdg)) base = Path.of(xdg);
        else if (absolute(home)) base = Path.of(home, ".cache");
        else base = Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("eager4j");
    }

    private static boolean absolute(String p) {
        return p != null && !p.isBlank() && Path.of(p).isAbsolute();
    }
}

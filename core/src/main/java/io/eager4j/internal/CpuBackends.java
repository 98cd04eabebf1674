package io.eager4j.internal;

/** Chooses the CPU backend once; {@code -Deager4j.cpu=reference} forces the reference backend. */
public final class CpuBackends {
    private CpuBackends() {}

    public static Backend select() {
        String forced = System.getProperty("eager4j.cpu", "");
        return switch (forced) {
            case "", "reference" -> new ReferenceBackend();
            default -> throw new IllegalArgumentException(
                    "eager4j.cpu=" + forced + " is not a CPU backend; use reference");
        };
    }
}

package io.eager4j.internal;

import io.eager4j.internal.cpu.Gemms;

/**
 * Chooses the CPU backend once. {@code -Deager4j.cpu=reference} forces the scalar reference
 * backend; {@code java} or {@code openblas} force that GEMM under the fast backend; unset, the
 * fast backend takes the best GEMM that loads (the choice is logged once).
 */
public final class CpuBackends {
    private CpuBackends() {}

    public static Backend select() {
        String forced = System.getProperty(Gemms.PROPERTY, "auto");
        return forced.equals("reference") ? new ReferenceBackend() : new FastCpuBackend(Gemms.get());
    }
}

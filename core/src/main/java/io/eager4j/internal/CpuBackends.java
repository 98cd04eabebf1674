package io.eager4j.internal;

import io.eager4j.internal.cpu.Gemms;
import io.eager4j.internal.cpu.Workers;

/**
 * Chooses the CPU backend once. {@code -Deager4j.cpu=reference} forces the scalar reference
 * backend; {@code java} or {@code openblas} force that GEMM under the fast backend; unset, the
 * fast backend takes the best GEMM that loads (the choice is logged once), and splits large products
 * over {@code eager4j.threads} threads.
 */
public final class CpuBackends {
    private CpuBackends() {}

    public static Backend select() {
        String forced = System.getProperty(Gemms.PROPERTY, "auto");
        if (forced.equals("reference")) return new ReferenceBackend();
        return new FastCpuBackend(Gemms.get(), new Workers(Gemms.threads(), "eager4j-gemm"));
    }
}

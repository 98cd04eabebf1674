package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.CpuBuffer;
import io.eager4j.internal.ReferenceBackend;
import java.lang.reflect.Method;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generated callers a replay uses instead of reflection: one for every op, each the method's own result. */
class TraceInvokersTest {
    private final Backend backend = new ReferenceBackend();

    @Test
    void everyRecordableBackendMethodGetsACaller() throws Exception {
        Set<String> unrecorded = Set.of("name", "graphs", "toArray");   // TraceRecorder passes these through
        int n = 0;
        for (Method m : Backend.class.getMethods()) {
            if (unrecorded.contains(m.getName())) continue;
            assertSame(TraceInvokers.of(m), TraceInvokers.of(m), m.getName() + ": one caller per method");
            n++;
        }
        assertTrue(n > 30, "Backend has " + n + " recordable methods");
    }

    @Test
    void aCallerUnboxesItsArgumentsAndStoresItsBufferAtItsOutput() throws Exception {
        Method clip = Backend.class.getMethod("clip", DType.class, Buffer.class, double.class, double.class);
        Buffer x = backend.fromArray(DType.FLOAT32, new float[] {-2, 0.5f, 3});
        Buffer[] regs = new Buffer[4];
        TraceInvokers.of(clip).call(backend, new Object[] {DType.FLOAT32, x, -1.0, 1.0}, regs, new int[] {2});
        assertNull(regs[0]);
        assertArrayEquals(new float[] {-1, 0.5f, 1}, (float[]) ((CpuBuffer) regs[2]).array());
    }

    @Test
    void aCallerOfSeveralResultsStoresEachAtItsOwnOutput() throws Exception {
        Method dropout = Backend.class.getMethod("dropout", DType.class, Buffer.class, double.class, long.class, long.class);
        Buffer x = backend.fromArray(DType.FLOAT32, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        Buffer[] direct = backend.dropout(DType.FLOAT32, x, 0.5, 7L, 11L);
        Buffer[] regs = new Buffer[6];
        TraceInvokers.of(dropout).call(backend, new Object[] {DType.FLOAT32, x, 0.5, 7L, 11L}, regs, new int[] {5, 1});
        assertArrayEquals((float[]) ((CpuBuffer) direct[0]).array(), (float[]) ((CpuBuffer) regs[5]).array());
        assertArrayEquals((float[]) ((CpuBuffer) direct[1]).array(), (float[]) ((CpuBuffer) regs[1]).array());
    }

    @Test
    void aBackendsOwnErrorComesThroughUnwrapped() throws Exception {
        Method unary = Backend.class.getMethod("unary", Backend.Unary.class, DType.class, Buffer.class);
        Backend failing = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, m, args) -> {
                    throw new IllegalArgumentException("unary: no such dtype here");
                });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceInvokers.of(unary)
                .call(failing, new Object[] {Backend.Unary.EXP, DType.FLOAT32, null}, new Buffer[1], new int[] {0}));
        assertTrue(e.getMessage().startsWith("unary:"), e.getMessage());
    }

    @Test
    void aMethodOfAnotherTypeIsRefused() throws Exception {
        Method hash = String.class.getMethod("hashCode");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceInvokers.of(hash));
        assertTrue(e.getMessage().contains("not a method of Backend"), e.getMessage());
    }
}

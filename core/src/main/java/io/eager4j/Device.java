package io.eager4j;

import io.eager4j.internal.Backend;
import io.eager4j.internal.CpuBackends;
import io.eager4j.internal.DeviceProvider;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where tensors live and ops run: {@code cpu} or {@code gpu:N}. Ops run on the device of their
 * inputs; a device scope places new tensors and variables, like TF's {@code with tf.device(...)}:
 * <pre>{@code
 * try (var scope = Device.cpu().use()) {
 *     Tensor x = Tensor.ones(2, 2);   // created on the scope's device
 * }
 * }</pre>
 */
public final class Device {
    private static final Device CPU = new Device("cpu", 0, CpuBackends.select());
    private static final Map<String, Device> OPENED = new ConcurrentHashMap<>();
    private static final ThreadLocal<Device> CURRENT = ThreadLocal.withInitial(() -> CPU);

    static {
        Warmup.start();   // after the fields above: its thread opens no device of its own
    }

    private final String kind;
    private final int index;
    private final Backend backend;

    private Device(String kind, int index, Backend backend) {
        this.kind = kind;
        this.index = index;
        this.backend = backend;
    }

    public static Device cpu() {
        return CPU;
    }

    /** GPU {@code index}; fails with one line saying why when no usable GPU is found. */
    public static Device gpu(int index) {
        return open("gpu", index);
    }

    /** Parses {@code cpu}, {@code gpu}, {@code gpu:N} (also TF's {@code /gpu:0}). */
    public static Device parse(String name) {
        String s = name.startsWith("/") ? name.substring(1) : name;
        s = s.toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu") || s.equals("cpu:0")) {
            return CPU;
        }
        if (s.equals("gpu")) {
            return gpu(0);
        }
        if (s.matches("gpu:\\d{1,3}")) {
            return gpu(Integer.parseInt(s.substring(4)));
        }
        throw new IllegalArgumentException("unknown device '" + name + "'; use cpu or gpu:N");
    }

    private static Device open(String kind, int index) {
        if (index < 0) {
            throw new IllegalArgumentException(kind + ": device index must be >= 0, got " + index);
        }
        return OPENED.computeIfAbsent(kind + ":" + index, key -> {
            for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
                if (p.kind().equals(kind)) {
                    return new Device(kind, index, p.open(index));
                }
            }
            throw new IllegalStateException(key + " not available: no eager4j-cuda module on the class path");
        });
    }

    /** A CPU device served by another backend, for tests that compare backends. */
    static Device cpuWith(Backend backend) {
        return new Device("cpu", 0, backend);
    }

    /** The device that new tensors and variables are placed on in this thread. */
    public static Device current() {
        return CURRENT.get();
    }

    /** Makes this the current device until the returned scope is closed. */
    public Scope use() {
        Device previous = CURRENT.get();
        CURRENT.set(this);
        return () -> CURRENT.set(previous);
    }

    /** A device scope; closing restores the previous device. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** The backend ops call: this device's, seen through the trace while one records on this thread. */
    Backend backend() {
        return io.eager4j.internal.Tracing.backend(backend);
    }

    /** This device's backend itself, never a trace's recording view of it. */
    Backend rawBackend() {
        return backend;
    }

    public boolean isCpu() {
        return kind.equals("cpu");
    }

    @Override
    public String toString() {
        return kind.equals("cpu") ? (this == CPU ? "cpu" : "cpu(" + backend.name() + ")") : kind + ":" + index;
    }
}

package io.eager4j.internal;

/**
 * Service interface (ServiceLoader) through which a module such as eager4j-cuda adds a device kind.
 * Not API.
 */
public interface DeviceProvider {
    /** The kind this provider opens, such as "gpu". */
    String kind();

    /** Opens device {@code index}; throws IllegalStateException with a one-line reason when it cannot. */
    Backend open(int index);
}

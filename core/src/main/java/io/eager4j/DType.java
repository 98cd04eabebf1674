package io.eager4j;

/**
 * Element types. Float64 exists so gradients can be checked precisely; int32 holds labels and indices.
 * <pre>{@code
 * Tensor labels = Tensor.of(new int[] {3, 1}, 2);            // INT32
 * Tensor y = labels.oneHot(10).cast(DType.FLOAT32);           // [2, 10]
 * }</pre>
 */
public enum DType {
    FLOAT32("float32", 4),
    FLOAT64("float64", 8),
    INT32("int32", 4),
    /** Results of comparisons; 0 or 1. */
    BOOL("bool", 1);

    private final String label;
    private final int byteSize;

    DType(String label, int byteSize) {
        this.label = label;
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    @Override
    public String toString() {
        return label;
    }
}

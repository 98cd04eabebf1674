package io.eager4j.internal;

/** A heap array (float[], double[], int[] or byte[]): the garbage collector frees it. */
public record CpuBuffer(Object array) implements Buffer {
    @Override
    public int size() {
        return java.lang.reflect.Array.getLength(array);
    }

    public float[] floats() {
        return (float[]) array;
    }

    public int[] ints() {
        return (int[]) array;
    }

    public byte[] bytes() {
        return (byte[]) array;
    }
}

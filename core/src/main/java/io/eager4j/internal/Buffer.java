package io.eager4j.internal;

/** Storage owned by one backend. A CPU buffer is a plain heap array, freed by the garbage collector. */
public interface Buffer {
    /** Number of elements. */
    int size();
}

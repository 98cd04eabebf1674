package io.eager4j.internal;

import io.eager4j.DType;

/**
 * A user-written op as backends see it (built by {@code io.eager4j.CustomKernel}): CUDA C source
 * with a forward and a backward kernel, Java bodies for the CPU, the launch configuration and the
 * output shape. Either device may be missing; the backend then says so, naming the op. Not API.
 */
public record UserKernel(String name, String cudaSource, String forwardKernel, String backwardKernel,
                         Launch launch, Body cpuForward, Body cpuBackward) {

    /** {grid, block} for a launch over arguments of {@code shapes} (inputs, then outputs). */
    @FunctionalInterface
    public interface Launch {
        int[] config(int[][] shapes);
    }

    /** A CPU body: reads its inputs and writes its outputs (fresh zeros) through {@code args}. */
    @FunctionalInterface
    public interface Body {
        void run(Args args);
    }

    /** The arguments of one call: inputs, then outputs; arrays of the dtype's Java type (float[], double[], int[]). */
    public record Args(DType dtype, Object[] arrays, int[][] shapes) {
        public float[] floats(int i) {
            return (float[]) arrays[i];
        }

        public double[] doubles(int i) {
            return (double[]) arrays[i];
        }

        public int[] shape(int i) {
            return shapes[i].clone();
        }

        /** Element j of argument i as a double, whatever the dtype. */
        public double get(int i, int j) {
            return switch (arrays[i]) {
                case float[] f -> f[j];
                case double[] d -> d[j];
                case int[] x -> x[j];
                default -> throw new IllegalStateException("argument " + i + " is " + arrays[i].getClass().getSimpleName());
            };
        }

        /** Sets element j of argument i, rounded to the dtype. */
        public void set(int i, int j, double v) {
            switch (arrays[i]) {
                case float[] f -> f[j] = (float) v;
                case double[] d -> d[j] = v;
                case int[] x -> x[j] = (int) v;
                default -> throw new IllegalStateException("argument " + i + " is " + arrays[i].getClass().getSimpleName());
            }
        }
    }

    /** Runs a CPU body on host buffers; the outputs are fresh zero arrays of {@code outShapes}. */
    public static Buffer[] runOnCpu(UserKernel k, boolean backward, DType dtype, Buffer[] in, int[][] inShapes, int[][] outShapes) {
        Body body = backward ? k.cpuBackward() : k.cpuForward();
        if (body == null) {
            throw new IllegalStateException(k.name() + " has no CPU implementation" + (backward ? " of its gradient" : "")
                    + "; move the inputs to gpu:0 or give it a cpu body");
        }
        Object[] arrays = new Object[in.length + outShapes.length];
        int[][] shapes = new int[arrays.length][];
        for (int i = 0; i < in.length; i++) {
            arrays[i] = ((CpuBuffer) in[i]).array();
            shapes[i] = inShapes[i];
        }
        Buffer[] out = new Buffer[outShapes.length];
        for (int o = 0; o < out.length; o++) {
            int n = Shapes.size(outShapes[o]);
            Object a = switch (dtype) {
                case FLOAT32 -> new float[n];
                case FLOAT64 -> new double[n];
                case INT32 -> new int[n];
                case BOOL -> new byte[n];
            };
            arrays[in.length + o] = a;
            shapes[in.length + o] = outShapes[o];
            out[o] = new CpuBuffer(a);
        }
        body.run(new Args(dtype, arrays, shapes));
        return out;
    }
}

package io.eager4j;

import io.eager4j.internal.Buffer;
import io.eager4j.internal.Shapes;
import io.eager4j.internal.UserKernel;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An op of your own written as kernels: CUDA C for the GPU (compiled by NVRTC on first use and
 * cached) and a plain Java body for the CPU, each with its backward; the tape differentiates it
 * like any op. Either device may be left out: the op then fails there, naming itself.
 * <pre>{@code
 * CustomKernel gelu = CustomKernel.named("gelu")
 *         .cuda(SOURCE, "gelu_forward", "gelu_backward")     // SOURCE: CUDA C over a type T (float or double)
 *         .cpu(a -> { for (int i = 0; i < a.shape(0)[0]; i++) a.set(1, i, geluOf(a.get(0, i))); },
 *              a -> { for (int i = 0; i < a.shape(0)[0]; i++) a.set(2, i, a.get(1, i) * geluGrad(a.get(0, i))); })
 *         .build();
 * Tensor y = gelu.apply(x);    // on x's device
 * }</pre>
 *
 * <p>The CUDA source is compiled twice, with {@code -DT=float} and {@code -DT=double}, so one
 * source serves float32 training and float64 gradient checks. Kernels take their arguments'
 * pointers (inputs, then outputs; the backward's inputs are the op's inputs and then dy, its outputs
 * one gradient per input, zeroed before the launch), then every dimension of every argument as an
 * int, in the same order. By default a launch is a grid-stride loop's: 256 threads a block, enough
 * blocks for the last argument's elements ({@link Builder#launch} sets it from the shapes). One
 * output per op. The backward kernels are first order: a second derivative through the op is an
 * error naming it, unless the gradient is given as tensor ops ({@link Builder#differentiableGradient}).
 */
public final class CustomKernel {
    private final UserKernel kernel;
    private final Function<int[][], int[]> outputShape;
    private final BiFunction<Tensor[], Tensor, Tensor[]> tensorGradient;   // null: the backward kernels

    private CustomKernel(UserKernel kernel, Function<int[][], int[]> outputShape,
                         BiFunction<Tensor[], Tensor, Tensor[]> tensorGradient) {
        this.kernel = kernel;
        this.outputShape = outputShape;
        this.tensorGradient = tensorGradient;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return kernel.name();
    }

    /** Runs the op on its inputs' device (all inputs on one device, of one float dtype). */
    public Tensor apply(Tensor... inputs) {
        if (inputs.length == 0) throw new IllegalArgumentException(name() + ": needs at least one input");
        for (Tensor t : inputs) {
            Elementwise.sameDevice(name(), inputs[0], t);
            if (t.dtype != inputs[0].dtype || !t.dtype.isFloating()) {
                throw new IllegalArgumentException(name() + ": inputs must share one float dtype, got " + inputs[0].dtype + " and " + t.dtype);
            }
        }
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) shapes[i] = inputs[i].shape();
        int[] out = outputShape.apply(shapes);
        if (out == null || Arrays.stream(out).anyMatch(d -> d < 0)) {
            throw new IllegalStateException(name() + ": its output shape for inputs " + describe(shapes) + " is "
                    + (out == null ? "null" : Shapes.format(out)) + "; the shape function must give dimensions >= 0");
        }
        return CustomGradient.apply(name(), in -> {
            Tensor y = run(false, in, shapes, new int[][] {out})[0];
            if (tensorGradient != null) {   // written with tensor ops: differentiable again
                return CustomGradient.differentiableResult(y, dy -> tensorGradient.apply(in, dy));
            }
            return CustomGradient.result(y, dy -> {
                Tensor[] args = Arrays.copyOf(in, in.length + 1);
                args[in.length] = dy;
                int[][] argShapes = Arrays.copyOf(shapes, shapes.length + 1);
                argShapes[shapes.length] = dy.shape();
                return run(true, args, argShapes, shapes);
            });
        }, inputs);
    }

    private Tensor[] run(boolean backward, Tensor[] args, int[][] shapes, int[][] outShapes) {
        Tensor first = args[0];
        Buffer[] in = new Buffer[args.length];
        for (int i = 0; i < args.length; i++) in[i] = args[i].buffer;
        Buffer[] r = first.backend().userKernel(kernel, backward, first.dtype, in, shapes, outShapes);
        Tensor[] out = new Tensor[r.length];
        for (int i = 0; i < r.length; i++) out[i] = new Tensor(outShapes[i].clone(), first.dtype, first.device, r[i]);
        return out;
    }

    private static String describe(int[][] shapes) {
        StringBuilder s = new StringBuilder();
        for (int[] sh : shapes) s.append(s.length() == 0 ? "" : ", ").append(Shapes.format(sh));
        return s.toString();
    }

    /** Declares a kernel op piece by piece; {@link #build} checks that some device can run it. */
    public static final class Builder {
        private final String name;
        private String source, forward, backward;
        private UserKernel.Launch launch;
        private UserKernel.Body cpuForward, cpuBackward;
        private Function<int[][], int[]> outputShape = shapes -> shapes[0].clone();
        private BiFunction<Tensor[], Tensor, Tensor[]> tensorGradient;

        private Builder(String name) {
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("CustomKernel: name '" + name + "' must be an identifier (it names the .cu file in errors)");
            }
            this.name = name;
        }

        /** CUDA C source over {@code T}, and the names of its forward and backward kernels (backward may be null). */
        public Builder cuda(String cudaSource, String forwardKernel, String backwardKernel) {
            this.source = cudaSource;
            this.forward = forwardKernel;
            this.backward = backwardKernel;
            return this;
        }

        /** {grid, block} from the arguments' shapes (inputs, then outputs). */
        public Builder launch(UserKernel.Launch config) {
            this.launch = config;
            return this;
        }

        /** Java bodies: forward (inputs, then the output) and backward (inputs, dy, then one gradient per input). */
        public Builder cpu(UserKernel.Body forwardBody, UserKernel.Body backwardBody) {
            this.cpuForward = forwardBody;
            this.cpuBackward = backwardBody;
            return this;
        }

        /**
         * The gradient written with tensor ops instead of backward kernels ({@code (inputs, dy) ->}
         * one gradient per input, null where none): it is differentiable, so higher-order gradients
         * go through the op. Backward kernels and bodies are then not used.
         */
        public Builder differentiableGradient(BiFunction<Tensor[], Tensor, Tensor[]> gradient) {
            this.tensorGradient = gradient;
            return this;
        }

        /** The output's shape from the inputs' shapes; by default the first input's. */
        public Builder output(Function<int[][], int[]> shape) {
            this.outputShape = shape;
            return this;
        }

        public CustomKernel build() {
            if (source == null && cpuForward == null) {
                throw new IllegalStateException(name + ": give it a CUDA kernel, a CPU body, or both");
            }
            UserKernel.Launch l = launch != null ? launch : shapes -> {
                long n = Shapes.size(shapes[shapes.length - 1]);
                return new int[] {(int) Math.max(1, Math.min(8192, (n + 255) / 256)), 256};
            };
            return new CustomKernel(new UserKernel(name, source, forward, backward, l, cpuForward, cpuBackward), outputShape, tensorGradient);
        }
    }
}

package io.eager4j;

import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.CpuBuffer;
import io.eager4j.internal.ReferenceBackend;
import io.eager4j.internal.Shapes;

/**
 * An immutable n-dimensional array on a device. Ops run at once and return new tensors; an open
 * {@link GradientTape} records them. CPU tensors are heap arrays freed by the garbage collector.
 * <pre>{@code
 * Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
 * Tensor y = x.matmul(x).add(1).relu();
 * System.out.println(y);          // tensor([[8, 11], [16, 23]], float32)
 * }</pre>
 * Op families live beside this facade: {@link Elementwise}, {@link Reductions}, {@link Shaping},
 * {@link LinAlg}.
 */
public class Tensor {
    static {
        io.eager4j.internal.Fused.install(new FusedOps());
    }

    final int[] shape;
    final DType dtype;
    final Device device;
    Buffer buffer;

    Tensor(int[] shape, DType dtype, Device device, Buffer buffer) {
        this.shape = shape;
        this.dtype = dtype;
        this.device = device;
        this.buffer = buffer;
    }

    // ---- creation (on Device.current())

    public static Tensor of(float[] data, int... shape) {
        return create(DType.FLOAT32, data, data.length, shape, false);
    }

    /**
     * Like {@link #of(float[], int...)}, but on the CPU without the copy: the tensor reads {@code data}
     * itself, so the caller hands the array over and never writes it again (tensors are immutable).
     * On another device the values are copied there. For loaders that fill a fresh array per batch.
     */
    public static Tensor wrap(float[] data, int... shape) {
        return create(DType.FLOAT32, data, data.length, shape, true);
    }

    public static Tensor of(double[] data, int... shape) {
        return create(DType.FLOAT64, data, data.length, shape, false);
    }

    public static Tensor of(int[] data, int... shape) {
        return create(DType.INT32, data, data.length, shape, false);
    }

    /** A float32 scalar. */
    public static Tensor scalar(double value) {
        return full(DType.FLOAT32, value);
    }

    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    public static Tensor zeros(int... shape) {
        return full(DType.FLOAT32, 0, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return full(dtype, 0, shape);
    }

    public static Tensor ones(int... shape) {
        return full(DType.FLOAT32, 1, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    public static Tensor full(DType dtype, double value, int... shape) {
        Device d = Device.current();
        return new Tensor(checkShape(shape), dtype, d, d.backend().full(dtype, Shapes.size(shape), value));
    }

    /** 0, 1, ..., n-1 as int32. */
    public static Tensor arange(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return of(v, n);
    }

    /** start, start + step, ... below stop, as float32. */
    public static Tensor arange(double start, double stop, double step) {
        if (step == 0 || (stop - start) / step < 0) {
            throw new IllegalArgumentException("arange: empty or endless range " + start + ".." + stop + " step " + step);
        }
        int n = (int) Math.ceil((stop - start) / step);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (start + i * step);
        return of(v, n);
    }

    private static Tensor create(DType dtype, Object data, int length, int[] shape, boolean adopt) {
        if (shape.length == 0 && length != 1) {
            shape = new int[] {length};
        }
        int[] s = checkShape(shape);
        if (Shapes.size(s) != length) {
            throw new IllegalArgumentException((adopt ? "wrap: " : "of: ") + length + " values cannot fill shape " + Shapes.format(s));
        }
        Device d = Device.current();
        Backend b = d.backend();
        return new Tensor(s, dtype, d, adopt && b instanceof ReferenceBackend ? new CpuBuffer(data) : b.fromArray(dtype, data));
    }

    static int[] checkShape(int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("shape " + Shapes.format(shape) + " has a negative dimension");
            }
        }
        return shape.clone();
    }

    // ---- what it is

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[Shaping.axis("dim", axis, shape.length)];
    }

    public int size() {
        return Shapes.size(shape);
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return device;
    }

    Backend backend() {
        return device.backend();
    }

    // ---- values (copied back from the device if needed)

    public float[] toFloatArray() {
        return (float[]) hostArray(DType.FLOAT32);
    }

    public double[] toDoubleArray() {
        return (double[]) hostArray(DType.FLOAT64);
    }

    public int[] toIntArray() {
        return (int[]) hostArray(DType.INT32);
    }

    private Object hostArray(DType as) {
        TraceRecorder r = TraceRecorder.current();
        if (r != null) {
            throw new IllegalStateException((as == DType.FLOAT32 ? "toFloatArray" : as == DType.FLOAT64 ? "item/toDoubleArray" : "toIntArray")
                    + ": reads a tensor's value on the host inside traced function '" + r.name() + "', which a replay would not"
                    + " repeat; return the tensor from the function and read it after call()");
        }
        Buffer b = as == dtype ? buffer : backend().cast(dtype, buffer, as);
        return backend().toArray(as, b);
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (size() != 1) {
            throw new IllegalStateException("item: tensor of shape " + Shapes.format(shape) + " has " + size() + " elements, not 1");
        }
        return toDoubleArray()[0];
    }

    /** Copies to another device; the copy is differentiable. */
    public Tensor to(Device target) {
        return Shaping.to(this, target);
    }

    @Override
    public String toString() {
        if (TraceRecorder.current() != null) return "tensor(traced, shape " + Shapes.format(shape) + ", " + dtype + ")";
        return TensorFormat.format(this);
    }

    // ---- elementwise (NumPy broadcasting)

    public Tensor add(Tensor other) { return Elementwise.binary(Backend.Binary.ADD, this, other); }
    public Tensor add(double c) { return add(like(c)); }
    public Tensor sub(Tensor other) { return Elementwise.binary(Backend.Binary.SUB, this, other); }
    public Tensor sub(double c) { return sub(like(c)); }
    public Tensor mul(Tensor other) { return Elementwise.binary(Backend.Binary.MUL, this, other); }
    public Tensor mul(double c) { return mul(like(c)); }
    public Tensor div(Tensor other) { return Elementwise.binary(Backend.Binary.DIV, this, other); }
    public Tensor div(double c) { return div(like(c)); }
    public Tensor pow(Tensor other) { return Elementwise.binary(Backend.Binary.POW, this, other); }
    public Tensor pow(double c) { return pow(like(c)); }
    public Tensor maximum(Tensor other) { return Elementwise.binary(Backend.Binary.MAXIMUM, this, other); }
    public Tensor maximum(double c) { return maximum(like(c)); }
    public Tensor minimum(Tensor other) { return Elementwise.binary(Backend.Binary.MINIMUM, this, other); }
    public Tensor minimum(double c) { return minimum(like(c)); }
    public Tensor neg() { return Elementwise.unary(Backend.Unary.NEG, this); }
    public Tensor exp() { return Elementwise.unary(Backend.Unary.EXP, this); }
    public Tensor log() { return Elementwise.unary(Backend.Unary.LOG, this); }
    public Tensor sqrt() { return Elementwise.unary(Backend.Unary.SQRT, this); }
    public Tensor relu() { return Elementwise.unary(Backend.Unary.RELU, this); }
    public Tensor abs() { return Elementwise.unary(Backend.Unary.ABS, this); }
    public Tensor sign() { return Elementwise.unary(Backend.Unary.SIGN, this); }
    public Tensor tanh() { return Elementwise.unary(Backend.Unary.TANH, this); }
    /** 1 / (1 + exp(-x)). */
    public Tensor sigmoid() { return Elementwise.unary(Backend.Unary.SIGMOID, this); }
    /** TF clip_by_value: the gradient passes where {@code lo <= x <= hi}. */
    public Tensor clip(double lo, double hi) { return Elementwise.clip(this, lo, hi); }
    public Tensor cast(DType to) { return Elementwise.cast(this, to); }

    // ---- comparisons (bool results, not differentiable)

    public Tensor equal(Tensor other) { return Elementwise.compare(Backend.Binary.EQUAL, this, other); }
    public Tensor equal(double c) { return equal(like(c)); }
    public Tensor notEqual(Tensor other) { return Elementwise.compare(Backend.Binary.NOT_EQUAL, this, other); }
    public Tensor less(Tensor other) { return Elementwise.compare(Backend.Binary.LESS, this, other); }
    public Tensor less(double c) { return less(like(c)); }
    public Tensor lessEqual(Tensor other) { return Elementwise.compare(Backend.Binary.LESS_EQUAL, this, other); }
    public Tensor lessEqual(double c) { return lessEqual(like(c)); }
    public Tensor greater(Tensor other) { return Elementwise.compare(Backend.Binary.GREATER, this, other); }
    public Tensor greater(double c) { return greater(like(c)); }
    public Tensor greaterEqual(Tensor other) { return Elementwise.compare(Backend.Binary.GREATER_EQUAL, this, other); }
    public Tensor greaterEqual(double c) { return greaterEqual(like(c)); }

    /** Elementwise choice: {@code cond ? a : b}, all three broadcast. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    // ---- reductions (negative axes count from the end; no axes means all)

    public Tensor sum() { return Reductions.sum(this, Reductions.ALL, false); }
    public Tensor sum(int axis) { return Reductions.sum(this, new int[] {axis}, false); }
    public Tensor sum(int[] axes, boolean keepDims) { return Reductions.sum(this, axes, keepDims); }
    public Tensor mean() { return Reductions.mean(this, Reductions.ALL, false); }
    public Tensor mean(int axis) { return Reductions.mean(this, new int[] {axis}, false); }
    public Tensor mean(int[] axes, boolean keepDims) { return Reductions.mean(this, axes, keepDims); }
    public Tensor max() { return Reductions.max(this, Reductions.ALL, false); }
    public Tensor max(int axis) { return Reductions.max(this, new int[] {axis}, false); }
    public Tensor max(int[] axes, boolean keepDims) { return Reductions.max(this, axes, keepDims); }
    /** Index of the first maximum along {@code axis}, as int32. */
    public Tensor argmax(int axis) { return Reductions.argmax(this, axis); }

    // ---- shapes

    /** One dimension may be -1 and is inferred. */
    public Tensor reshape(int... newShape) { return Shaping.reshape(this, newShape); }
    /** Swaps the last two axes. */
    public Tensor transpose() { return Shaping.transpose(this); }
    public Tensor permute(int... perm) { return Shaping.permute(this, perm); }
    public Tensor broadcastTo(int... target) { return Shaping.broadcastTo(this, target); }
    public Tensor slice(int[] begin, int[] size) { return Shaping.slice(this, begin, size); }
    public static Tensor concat(int axis, Tensor... parts) { return Shaping.concat(axis, parts); }
    /**
     * Rows picked by int32 {@code indices} along {@code axis} (an embedding lookup, TF's gather): the
     * axis is replaced by the indices' shape. The gradient adds each picked row's gradient back.
     * Indices outside the axis are an error on the CPU; on a GPU they give zero rows, as in TF.
     */
    public Tensor gather(Tensor indices, int axis) { return Windows.gather(this, indices, axis); }
    /** One-hot encoding of int32 indices: shape + [depth], float32. */
    public Tensor oneHot(int depth) { return Shaping.oneHot(this, depth, DType.FLOAT32); }

    // ---- linear algebra

    /** [m,k]·[k,n]; rank-3 operands multiply batch by batch. */
    public Tensor matmul(Tensor other) { return LinAlg.matmul(this, other, false, false); }

    // ---- autodiff

    /** The same value, with no gradient flowing back through it. */
    public Tensor stopGradient() { return new Tensor(shape, dtype, device, shareBuffer()); }

    /** A copy of this tensor's storage, on its device, that nothing else holds. */
    Buffer copyBuffer() {
        var graphs = device.rawBackend().graphs();
        if (graphs == null) return new CpuBuffer(copyOf(((CpuBuffer) buffer).array()));
        Buffer copy = graphs.like(buffer);
        graphs.copy(copy, buffer);
        return copy;
    }

    private static Object copyOf(Object array) {
        return switch (array) {
            case float[] f -> f.clone();
            case double[] d -> d.clone();
            case int[] i -> i.clone();
            case byte[] b -> b.clone();
            default -> throw new IllegalStateException("not a heap array: " + array.getClass());
        };
    }

    /** This tensor's storage, for a new tensor that shares it: a variable remembers its value has escaped. */
    Buffer shareBuffer() {
        if (this instanceof Variable v) {
            if (v.pinned && TraceRecorder.current() == null) return copyBuffer();   // the next replay writes there: hand out a copy
            v.exposed = true;
        }
        return buffer;
    }

    static Tensor fullLike(Tensor t, double value) {
        return new Tensor(t.shape, t.dtype, t.device, t.backend().full(t.dtype, t.size(), value));
    }

    private Tensor like(double c) {
        return new Tensor(new int[0], dtype, device, backend().full(dtype, 1, c));
    }
}

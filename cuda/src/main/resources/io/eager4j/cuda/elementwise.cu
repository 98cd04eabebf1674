// Elementwise kernels. Op codes come from eager4j_ops.cuh, which KernelCache generates from the
// Java enums, so reordering an enum cannot change what a kernel computes.
#include "eager4j_common.cuh"

template <class C> __device__ __forceinline__ C unaryOp(int op, C v) {
    switch (op) {
        case UNARY_NEG: return -v;
        case UNARY_EXP: return mexp(v);
        case UNARY_LOG: return mlog(v);
        case UNARY_SQRT: return msqrt(v);
        case UNARY_RELU: return v > C(0) ? v : C(0);                        // NaN -> 0, as the reference
        case UNARY_ABS: return mabs(v);
        case UNARY_SIGN: return v > C(0) ? C(1) : v < C(0) ? C(-1) : v;    // keeps +-0 and NaN, like Math.signum
        case UNARY_TANH: return mtanh(v);
        case UNARY_SIGMOID: return C(1) / (C(1) + mexp(-v));
        default: return v / C(0) * C(0);                                    // an op this source lacks: NaN, loudly
    }
}

// isInt: the reference divides int32 as ints (truncating); a zero divisor gives 0 here, as a GPU cannot throw.
template <class C> __device__ __forceinline__ C binaryOp(int op, C u, C v, bool isInt) {
    switch (op) {
        case BINARY_ADD: return u + v;
        case BINARY_SUB: return u - v;
        case BINARY_MUL: return u * v;
        case BINARY_DIV: return isInt ? ((int) v == 0 ? C(0) : (C) ((int) u / (int) v)) : u / v;
        case BINARY_POW: return mpow(u, v);
        case BINARY_MAXIMUM: return javaMax(u, v);
        case BINARY_MINIMUM: return javaMin(u, v);
        default: return u / C(0) * C(0);
    }
}

template <class C> __device__ __forceinline__ bool compareOp(int op, C u, C v) {
    switch (op) {
        case BINARY_EQUAL: return u == v;
        case BINARY_NOT_EQUAL: return u != v;
        case BINARY_LESS: return u < v;
        case BINARY_LESS_EQUAL: return u <= v;
        case BINARY_GREATER: return u > v;
        case BINARY_GREATER_EQUAL: return u >= v;
        default: return false;
    }
}

#define ELEMENTWISE(N, T)                                                                        \
extern "C" __global__ void unary_##N(int op, int n, const T* x, T* r) {                          \
    FOR_EACH(i, n) store(r, i, unaryOp(op, load(x, i)));                                         \
}                                                                                                \
/* flat: both inputs already have the output's shape, so no index arithmetic */                 \
extern "C" __global__ void binary_##N(int op, int n, Geom g, int flat, const T* a, const T* b, T* r) { \
    bool isInt = sizeof(T) == 4 && (T) 0.5 == (T) 0;                                             \
    FOR_EACH(j, n) {                                                                             \
        int ia = flat ? j : offsetOf(j, g.rank, g.out, g.s0);                                    \
        int ib = flat ? j : offsetOf(j, g.rank, g.out, g.s1);                                    \
        store(r, j, binaryOp(op, load(a, ia), load(b, ib), isInt));                              \
    }                                                                                            \
}                                                                                                \
extern "C" __global__ void compare_##N(int op, int n, Geom g, int flat, const T* a, const T* b, u8* r) { \
    FOR_EACH(j, n) {                                                                             \
        int ia = flat ? j : offsetOf(j, g.rank, g.out, g.s0);                                    \
        int ib = flat ? j : offsetOf(j, g.rank, g.out, g.s1);                                    \
        r[j] = compareOp(op, load(a, ia), load(b, ib)) ? 1 : 0;                                  \
    }                                                                                            \
}                                                                                                \
extern "C" __global__ void clip_##N(int n, double lo, double hi, const T* x, T* r) {             \
    /* a float between a bound and its float rounding does not exist, so float math clips alike */ \
    typedef decltype(load(x, 0)) C;                                                              \
    FOR_EACH(i, n) store(r, i, javaMin(javaMax(load(x, i), (C) lo), (C) hi));                    \
}                                                                                                \
/* s0, s1, s2: strides of cond, a and b read as if broadcast to out */                          \
extern "C" __global__ void where_##N(int n, Geom g, const u8* c, const T* a, const T* b, T* r) { \
    FOR_EACH(j, n) {                                                                             \
        bool take = c[offsetOf(j, g.rank, g.out, g.s0)] != 0;                                    \
        r[j] = take ? a[offsetOf(j, g.rank, g.out, g.s1)] : b[offsetOf(j, g.rank, g.out, g.s2)]; \
    }                                                                                            \
}                                                                                                \
extern "C" __global__ void fill_##N(int n, double v, T* r) {                                     \
    FOR_EACH(i, n) store(r, i, v);                                                               \
}                                                                                                \
/* n = indices x depth; an index outside [0, depth) gives a zero row, as the reference */        \
/* one fused Adam step (TF 1.x), term by term as ReferenceBackend.adam; lrTAt, when set, holds */ \
/* lrT in device memory (a CUDA graph's parameter, new at each launch) */                        \
extern "C" __global__ void adam_##N(int n, double lrT, double b1, double b2, double eps,          \
        const T* w, const T* m, const T* v, const T* g, T* rw, T* rm, T* rv, const double* lrTAt) { \
    typedef decltype(load(w, 0)) C;                                                              \
    C cl = (C) (lrTAt ? *lrTAt : lrT), c1 = (C) b1, c2 = (C) b2, ce = (C) eps;                   \
    FOR_EACH(i, n) {                                                                             \
        C gi = load(g, i);                                                                       \
        C mi = c1 * load(m, i) + (C(1) - c1) * gi;                                               \
        C vi = c2 * load(v, i) + (C(1) - c2) * gi * gi;                                          \
        store(rw, i, load(w, i) - cl * mi / (msqrt(vi) + ce));                                   \
        store(rm, i, mi);                                                                        \
        store(rv, i, vi);                                                                        \
    }                                                                                            \
}                                                                                                \
/* relu(x + bias[i % cols]): the sum rounded to T, then relu, as the add and relu kernels in turn */ \
extern "C" __global__ void biasrelu_##N(int n, int cols, const T* x, const T* bias, T* r) {      \
    typedef decltype(load(x, 0)) C;                                                              \
    FOR_EACH(i, n) {                                                                             \
        C v = (C) (T) (load(x, i) + load(bias, i % cols));                                       \
        store(r, i, v > C(0) ? v : C(0));                                                        \
    }                                                                                            \
}                                                                                                \
/* g * sign(out) in one pass, the sign as the unary kernel's */                                 \
extern "C" __global__ void relugrad_##N(int n, const T* g, const T* out, T* r) {                 \
    typedef decltype(load(g, 0)) C;                                                              \
    FOR_EACH(i, n) {                                                                             \
        C o = load(out, i);                                                                      \
        C s = (C) (T) (o > C(0) ? C(1) : o < C(0) ? C(-1) : o);                                  \
        store(r, i, load(g, i) * s);                                                             \
    }                                                                                            \
}                                                                                                \
extern "C" __global__ void onehot_##N(int n, int depth, const int* idx, T* r) {                  \
    FOR_EACH(j, n) store(r, j, idx[j / depth] == j % depth ? 1.0 : 0.0);                         \
}

FOR_TYPES(ELEMENTWISE)

#define CAST(NA, TA, NB, TB)                                                                     \
extern "C" __global__ void cast_##NA##_##NB(int n, const TA* x, TB* r) {                          \
    FOR_EACH(i, n) store(r, i, load(x, i));                                                      \
}
#define CAST_FROM(NA, TA) CAST(NA, TA, f32, float) CAST(NA, TA, f64, double) CAST(NA, TA, i32, int) CAST(NA, TA, u8, u8)
FOR_TYPES(CAST_FROM)

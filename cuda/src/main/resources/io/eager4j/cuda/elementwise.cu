// Elementwise kernels. Op codes are the ordinals of Backend.Unary and Backend.Binary.
#include "eager4j_common.cuh"

__device__ __forceinline__ double unaryOp(int op, double v) {
    switch (op) {
        case 0: return -v;                                   // NEG
        case 1: return exp(v);                               // EXP
        case 2: return log(v);                               // LOG
        case 3: return sqrt(v);                              // SQRT
        case 4: return v > 0.0 ? v : 0.0;                    // RELU (NaN -> 0, as the reference)
        case 5: return fabs(v);                              // ABS
        default: return v > 0.0 ? 1.0 : v < 0.0 ? -1.0 : v;  // SIGN: keeps +-0 and NaN, like Math.signum
    }
}

// isInt: the reference divides int32 as ints (truncating); a zero divisor gives 0 here, as a GPU cannot throw.
__device__ __forceinline__ double binaryOp(int op, double u, double v, bool isInt) {
    switch (op) {
        case 0: return u + v;
        case 1: return u - v;
        case 2: return u * v;
        case 3: return isInt ? ((int) v == 0 ? 0.0 : (double) ((int) u / (int) v)) : u / v;
        case 4: return pow(u, v);
        case 5: return javaMax(u, v);
        default: return javaMin(u, v);
    }
}

__device__ __forceinline__ bool compareOp(int op, double u, double v) {
    switch (op) {
        case 7: return u == v;
        case 8: return u != v;
        case 9: return u < v;
        case 10: return u <= v;
        case 11: return u > v;
        default: return u >= v;
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
    FOR_EACH(i, n) store(r, i, javaMin(javaMax(load(x, i), lo), hi));                            \
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
/* one fused Adam step (TF 1.x), term by term as ReferenceBackend.adam */                      \
extern "C" __global__ void adam_##N(int n, double lrT, double b1, double b2, double eps,          \
        const T* w, const T* m, const T* v, const T* g, T* rw, T* rm, T* rv) {                   \
    FOR_EACH(i, n) {                                                                             \
        double gi = load(g, i);                                                                  \
        double mi = b1 * load(m, i) + (1.0 - b1) * gi;                                           \
        double vi = b2 * load(v, i) + (1.0 - b2) * gi * gi;                                      \
        store(rw, i, load(w, i) - lrT * mi / (sqrt(vi) + eps));                                  \
        store(rm, i, mi);                                                                        \
        store(rv, i, vi);                                                                        \
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

// Reductions: one block per output element, threads stride over the reduced elements, partial
// results meet in shared memory. Sums accumulate in double like the reference, float32 too: a
// float tree sum of a few thousand values drifts past the comparison tests' float32 tolerance.
#include "eager4j_common.cuh"

#define REDUCE_THREADS 256

// Kept axes (their sizes and input strides) place an output; reduced axes enumerate its inputs.
struct RGeom {
    int nk;
    int kn[MAXR];
    int ks[MAXR];
    int nr;
    int rn[MAXR];
    int rs[MAXR];
};

// The reference's max: a NaN anywhere wins.
__device__ __forceinline__ double maxStep(double m, double v) { return v > m || isNan(v) ? v : m; }

#define REDUCE(N, T)                                                                             \
/* op REDUCE_SUM or REDUCE_MAX; count = reduced elements per output; blockDim.x a power of two */ \
extern "C" __global__ void reduce_##N(int op, int outputs, int count, RGeom g, const T* x, T* r) { \
    __shared__ double part[REDUCE_THREADS];                                                      \
    for (int o = blockIdx.x; o < outputs; o += gridDim.x) {                                      \
        int base = offsetOf(o, g.nk, g.kn, g.ks);                                                \
        double acc = op == REDUCE_SUM ? 0.0 : __longlong_as_double(0xfff0000000000000LL); /* -inf */        \
        for (int i = threadIdx.x; i < count; i += blockDim.x) {                                  \
            double v = load(x, base + offsetOf(i, g.nr, g.rn, g.rs));                            \
            acc = op == REDUCE_SUM ? acc + v : maxStep(acc, v);                                           \
        }                                                                                        \
        part[threadIdx.x] = acc;                                                                 \
        __syncthreads();                                                                         \
        for (int s = blockDim.x / 2; s > 0; s >>= 1) {                                           \
            if (threadIdx.x < s) {                                                               \
                double v = part[threadIdx.x + s];                                                \
                part[threadIdx.x] = op == REDUCE_SUM ? part[threadIdx.x] + v : maxStep(part[threadIdx.x], v); \
            }                                                                                    \
            __syncthreads();                                                                     \
        }                                                                                        \
        if (threadIdx.x == 0) store(r, o, part[0]);                                              \
        __syncthreads();                                                                         \
    }                                                                                            \
}                                                                                                \
/* x viewed as [outer, n, inner]; one thread per output scans n in order, so the first max wins */ \
extern "C" __global__ void argmax_##N(int outputs, int n, int inner, const T* x, int* r) {       \
    FOR_EACH(j, outputs) {                                                                       \
        int o = j / inner, in = j % inner;                                                       \
        const int start = o * n * inner + in;                                                    \
        int best = 0;                                                                            \
        double bv = n > 0 ? load(x, start) : 0.0;                                                              \
        for (int k = 1; k < n; k++) {                                                            \
            double v = load(x, start + k * inner);                                               \
            if (v > bv) { bv = v; best = k; }                                                    \
        }                                                                                        \
        r[j] = best;                                                                             \
    }                                                                                            \
}

FOR_TYPES(REDUCE)

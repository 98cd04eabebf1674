// Data movement: every layout change is one gather (or, for concat, one scatter per part).
#include "eager4j_common.cuh"

#define SHAPE(N, T)                                                                              \
/* permute, broadcastTo and slice: r[j] = x[base + offset of j in out with strides s0] */        \
extern "C" __global__ void gather_##N(int n, Geom g, int base, const T* x, T* r) {               \
    FOR_EACH(j, n) r[j] = x[base + offsetOf(j, g.rank, g.out, g.s0)];                            \
}                                                                                                \
/* pad as a gather, so no memset is needed: s0 = x's own strides, s1 = begin, s2 = x's shape */ \
extern "C" __global__ void pad_##N(int n, Geom g, const T* x, T* r) {                            \
    FOR_EACH(j, n) {                                                                             \
        int rest = j, src = 0;                                                                   \
        bool inside = true;                                                                      \
        for (int d = g.rank - 1; d >= 0; d--) {                                                  \
            int c = rest % g.out[d] - g.s1[d];                                                   \
            rest /= g.out[d];                                                                    \
            inside = inside && c >= 0 && c < g.s2[d];                                            \
            src += c * g.s0[d];                                                                  \
        }                                                                                        \
        r[j] = inside ? x[src] : (T) 0;                                                          \
    }                                                                                            \
}                                                                                                \
/* one concat part: out = the part's shape, s0 = the whole output's strides */                  \
extern "C" __global__ void place_##N(int n, Geom g, int base, const T* x, T* r) {                \
    FOR_EACH(j, n) r[base + offsetOf(j, g.rank, g.out, g.s0)] = x[j];                            \
}

FOR_TYPES(SHAPE)

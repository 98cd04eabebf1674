// Window and indexing primitives: im2col and its adjoint for convolutions (the products go to
// cuBLAS), pooling, and take / scatter-add for gather. Gathers are written "by output", so every
// element is written by one thread and no atomics are needed, except in scatter-add.
#include "eager4j_common.cuh"

// Backend's Window record, field by field.
struct Win {
    int n, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow;
};

// Input row/column under output row/column o at window row/column k, or -1 in the padding.
__device__ __forceinline__ int tap(int o, int k, int stride, int pad, int size) {
    int i = o * stride + k - pad;
    return i >= 0 && i < size ? i : -1;
}

#define WINDOW(N, T)                                                                             \
/* col [n*oh*ow, kh*kw*c]: one row per output position, zeros where the window is in padding */ \
extern "C" __global__ void im2col_##N(int total, Win g, const T* x, T* col) {                    \
    int k = g.kh * g.kw * g.c;                                                                   \
    FOR_EACH(j, total) {                                                                         \
        int row = j / k, q = j % k;                                                              \
        int ci = q % g.c, kx = q / g.c % g.kw, ky = q / (g.c * g.kw);                           \
        int ox = row % g.ow, oy = row / g.ow % g.oh, b = row / (g.ow * g.oh);                    \
        int iy = tap(oy, ky, g.sh, g.pt, g.h), ix = tap(ox, kx, g.sw, g.pl, g.w);                \
        col[j] = iy < 0 || ix < 0 ? (T) 0 : x[((b * g.h + iy) * g.w + ix) * g.c + ci];          \
    }                                                                                            \
}                                                                                                \
/* the adjoint, by input element: the sum of the patch entries that came from it */              \
extern "C" __global__ void col2im_##N(int total, Win g, const T* col, T* dx) {                   \
    typedef decltype(load(col, 0)) C;                                                            \
    int k = g.kh * g.kw * g.c;                                                                   \
    FOR_EACH(j, total) {                                                                         \
        int ci = j % g.c, ix = j / g.c % g.w, iy = j / (g.c * g.w) % g.h, b = j / (g.c * g.w * g.h); \
        C acc = 0;                                                                               \
        for (int ky = 0; ky < g.kh; ky++) {                                                      \
            int ty = iy + g.pt - ky;                                                             \
            if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;                         \
            for (int kx = 0; kx < g.kw; kx++) {                                                  \
                int tx = ix + g.pl - kx;                                                         \
                if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= g.ow) continue;                     \
                int row = (b * g.oh + ty / g.sh) * g.ow + tx / g.sw;                              \
                acc += load(col, row * k + (ky * g.kw + kx) * g.c + ci);                         \
            }                                                                                    \
        }                                                                                        \
        store(dx, j, acc);                                                                       \
    }                                                                                            \
}                                                                                                \
/* the first maximum in window order wins, as the reference; arg = its flat input index */       \
extern "C" __global__ void maxpool_##N(int total, Win g, const T* x, T* y, int* arg) {           \
    FOR_EACH(j, total) {                                                                         \
        int ci = j % g.c, p = j / g.c;                                                           \
        int ox = p % g.ow, oy = p / g.ow % g.oh, b = p / (g.ow * g.oh);                          \
        int where = -1;                                                                          \
        T best = 0;                                                                              \
        for (int ky = 0; ky < g.kh; ky++) {                                                      \
            int iy = tap(oy, ky, g.sh, g.pt, g.h);                                               \
            if (iy < 0) continue;                                                                \
            for (int kx = 0; kx < g.kw; kx++) {                                                  \
                int ix = tap(ox, kx, g.sw, g.pl, g.w);                                           \
                if (ix < 0) continue;                                                            \
                int i = ((b * g.h + iy) * g.w + ix) * g.c + ci;                                  \
                if (where < 0 || x[i] > best) { best = x[i]; where = i; }                        \
            }                                                                                    \
        }                                                                                        \
        y[j] = best;                                                                             \
        arg[j] = where;                                                                          \
    }                                                                                            \
}                                                                                                \
/* mean over the window's real elements: the sum, then one division by their count */           \
extern "C" __global__ void avgpool_##N(int total, Win g, const T* x, T* y) {                     \
    typedef decltype(load(x, 0)) C;                                                              \
    FOR_EACH(j, total) {                                                                         \
        int ci = j % g.c, p = j / g.c;                                                           \
        int ox = p % g.ow, oy = p / g.ow % g.oh, b = p / (g.ow * g.oh);                          \
        int y0 = max(oy * g.sh - g.pt, 0), y1 = min(oy * g.sh - g.pt + g.kh, g.h);              \
        int x0 = max(ox * g.sw - g.pl, 0), x1 = min(ox * g.sw - g.pl + g.kw, g.w);              \
        C acc = 0;                                                                               \
        for (int iy = y0; iy < y1; iy++)                                                         \
            for (int ix = x0; ix < x1; ix++) acc += load(x, ((b * g.h + iy) * g.w + ix) * g.c + ci); \
        store(y, j, acc / (C) ((y1 - y0) * (x1 - x0)));                                          \
    }                                                                                            \
}                                                                                                \
/* by input element: each window that covers it gives dy / (that window's count) */              \
extern "C" __global__ void avgpoolgrad_##N(int total, Win g, const T* dy, T* dx) {               \
    typedef decltype(load(dy, 0)) C;                                                             \
    FOR_EACH(j, total) {                                                                         \
        int ci = j % g.c, ix = j / g.c % g.w, iy = j / (g.c * g.w) % g.h, b = j / (g.c * g.w * g.h); \
        C acc = 0;                                                                               \
        for (int ky = 0; ky < g.kh; ky++) {                                                      \
            int ty = iy + g.pt - ky;                                                             \
            if (ty < 0 || ty % g.sh != 0 || ty / g.sh >= g.oh) continue;                         \
            int oy = ty / g.sh;                                                                  \
            int y0 = max(oy * g.sh - g.pt, 0), y1 = min(oy * g.sh - g.pt + g.kh, g.h);          \
            for (int kx = 0; kx < g.kw; kx++) {                                                  \
                int tx = ix + g.pl - kx;                                                         \
                if (tx < 0 || tx % g.sw != 0 || tx / g.sw >= g.ow) continue;                     \
                int ox = tx / g.sw;                                                              \
                int x0 = max(ox * g.sw - g.pl, 0), x1 = min(ox * g.sw - g.pl + g.kw, g.w);      \
                acc += load(dy, ((b * g.oh + oy) * g.ow + ox) * g.c + ci) / (C) ((y1 - y0) * (x1 - x0)); \
            }                                                                                    \
        }                                                                                        \
        store(dx, j, acc);                                                                       \
    }                                                                                            \
}                                                                                                \
/* the adjoint of take: r (zeroed first) [outer, dim, inner] += v [outer, count, inner] */       \
extern "C" __global__ void scatteradd_##N(int total, int dim, int inner, int count,              \
                                          const T* v, const int* idx, T* r) {                    \
    FOR_EACH(j, total) {                                                                         \
        int i = j % inner, t = j / inner % count, o = j / (inner * count), k = idx[t];           \
        if (k >= 0 && k < dim) atomicAdd(&r[(o * dim + k) * inner + i], v[j]);                  \
    }                                                                                            \
}

WINDOW(f32, float)
WINDOW(f64, double)

#define TAKE(N, T)                                                                               \
/* x [outer, dim, inner] -> r [outer, count, inner]; an index outside [0, dim) gives 0, as TF on GPUs */ \
extern "C" __global__ void take_##N(int total, int dim, int inner, int count, const T* x, const int* idx, T* r) { \
    FOR_EACH(j, total) {                                                                         \
        int i = j % inner, t = j / inner % count, o = j / (inner * count), k = idx[t];           \
        r[j] = k >= 0 && k < dim ? x[(o * dim + k) * inner + i] : (T) 0;                         \
    }                                                                                            \
}

FOR_TYPES(TAKE)

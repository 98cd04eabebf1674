// Philox 4x32-10, the same stream as internal/Philox.java: element i is word i % 4 of block
// (offset + i / 4) under key (seed low, seed high), so both devices draw the same dropout masks.
#include "eager4j_common.cuh"

__device__ __forceinline__ void philox(unsigned int c[4], unsigned int k0, unsigned int k1) {
    for (int round = 0; round < 10; round++) {
        unsigned long long p0 = 0xD2511F53ULL * c[0];
        unsigned long long p1 = 0xCD9E8D57ULL * c[2];
        unsigned int n0 = (unsigned int) (p1 >> 32) ^ c[1] ^ k0;
        unsigned int n2 = (unsigned int) (p0 >> 32) ^ c[3] ^ k1;
        c[1] = (unsigned int) p1;
        c[3] = (unsigned int) p0;
        c[0] = n0;
        c[2] = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

// 24 random bits as a value in [0, 1), exact in float and double (Philox.unit).
__device__ __forceinline__ double unit(unsigned int bits) { return (double) (bits >> 8) * 0x1.0p-24; }

// Box-Muller per pair of lanes, term by term as in Philox.boxMuller (run without FMA contraction).
__device__ __forceinline__ double boxMuller(const unsigned int w[4], int lane) {
    int pair = lane & ~1;
    double u1 = unit(w[pair]) + 0x1.0p-24;   // in (0, 1]: log stays finite
    double u2 = unit(w[pair + 1]);
    double rad = sqrt(-2.0 * log(u1));
    double angle = 2.0 * 3.141592653589793 * u2;
    return (lane & 1) == 0 ? rad * cos(angle) : rad * sin(angle);
}

#define RANDOM(N, T)                                                                             \
/* one thread per Philox block of four elements; offsetAt, when set, holds the offset in device */ \
/* memory (a CUDA graph's parameter, new at each launch) */                                      \
extern "C" __global__ void random_##N(int n, int normal, unsigned long long seed,                \
        unsigned long long offset, double a, double b, T* r, const unsigned long long* offsetAt) { \
    int blocks = (n + 3) / 4;                                                                    \
    if (offsetAt) offset = *offsetAt;                                                            \
    FOR_EACH(blk, blocks) {                                                                      \
        unsigned long long ctr = offset + (unsigned long long) blk;                              \
        unsigned int w[4] = {(unsigned int) ctr, (unsigned int) (ctr >> 32), 0u, 0u};            \
        philox(w, (unsigned int) seed, (unsigned int) (seed >> 32));                             \
        int base = blk * 4;                                                                      \
        int lanes = n - base < 4 ? n - base : 4;                                                 \
        for (int j = 0; j < lanes; j++) {                                                        \
            double v = normal ? boxMuller(w, j) * b + a : a + (b - a) * unit(w[j]);              \
            store(r, base + j, v);                                                               \
        }                                                                                        \
    }                                                                                            \
}

FOR_TYPES(RANDOM)

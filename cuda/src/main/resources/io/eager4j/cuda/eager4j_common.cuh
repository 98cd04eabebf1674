// Shared by every kernel source. Compiled by NVRTC at run time (this header is passed to it by
// name) and by `nvcc -ptx` in the build's tests, so it must stand alone: no system headers.
#pragma once
#include "eager4j_ops.cuh"

// Highest rank a kernel accepts; the Java side checks it and names the op when a tensor is deeper.
#define MAXR 8

// Shapes and strides travel as one struct passed by value: no device copy, no host wait.
// All fields are ints, so the C layout is the Java side's plain int sequence.
struct Geom {
    int rank;
    int out[MAXR];   // output shape
    int s0[MAXR];    // strides of input 0 read as if broadcast to `out` (0 along broadcast axes)
    int s1[MAXR];
    int s2[MAXR];
};

typedef unsigned char u8;   // BOOL is stored as one byte, 0 or 1

// Linear index into an input for element j of `out`: the reference's Shapes.offset.
__device__ __forceinline__ int offsetOf(int j, int rank, const int* out, const int* strides) {
    int off = 0;
    for (int d = rank - 1; d >= 0 && j > 0; d--) {
        int dim = out[d];
        off += (j % dim) * strides[d];
        j /= dim;
    }
    return off;
}

// Loads give each element type its compute type: float32 computes in float32 (most GPUs run
// double at 1/2 to 1/64 of the float rate), float64 in double, and int32 and bool in double as
// the reference does (exact for every int32). Stores round once to the element type.
__device__ __forceinline__ float load(const float* p, int i) { return p[i]; }
__device__ __forceinline__ double load(const double* p, int i) { return p[i]; }
__device__ __forceinline__ double load(const int* p, int i) { return (double) p[i]; }
__device__ __forceinline__ double load(const u8* p, int i) { return (double) p[i]; }

__device__ __forceinline__ void store(float* p, int i, double v) { p[i] = (float) v; }
__device__ __forceinline__ void store(float* p, int i, float v) { p[i] = v; }
__device__ __forceinline__ void store(double* p, int i, double v) { p[i] = v; }
// Java's (int) cast: saturating, NaN -> 0; cvt.rzi.sat does exactly that.
__device__ __forceinline__ void store(int* p, int i, double v) { p[i] = __double2int_rz(v); }
__device__ __forceinline__ void store(u8* p, int i, double v) { p[i] = v != 0.0 ? 1 : 0; }

// The math functions at each compute type (CUDA's expf, logf... for float).
__device__ __forceinline__ float mexp(float v) { return expf(v); }
__device__ __forceinline__ double mexp(double v) { return exp(v); }
__device__ __forceinline__ float mlog(float v) { return logf(v); }
__device__ __forceinline__ double mlog(double v) { return log(v); }
__device__ __forceinline__ float msqrt(float v) { return sqrtf(v); }
__device__ __forceinline__ double msqrt(double v) { return sqrt(v); }
__device__ __forceinline__ float mtanh(float v) { return tanhf(v); }
__device__ __forceinline__ double mtanh(double v) { return tanh(v); }
__device__ __forceinline__ float mabs(float v) { return fabsf(v); }
__device__ __forceinline__ double mabs(double v) { return fabs(v); }
__device__ __forceinline__ float mpow(float u, float v) { return powf(u, v); }
__device__ __forceinline__ double mpow(double u, double v) { return pow(u, v); }
__device__ __forceinline__ bool negativeBit(float v) { return __float_as_int(v) < 0; }
__device__ __forceinline__ bool negativeBit(double v) { return __double_as_longlong(v) < 0; }

template <class C> __device__ __forceinline__ bool isNan(C v) { return v != v; }

// Java's Math.max / Math.min: NaN wins and +0.0 > -0.0 (CUDA's fmax returns the non-NaN operand).
template <class C> __device__ __forceinline__ C javaMax(C u, C v) {
    if (isNan(u) || isNan(v)) return u + v;
    if (u == v) return negativeBit(u) ? v : u;
    return u > v ? u : v;
}
template <class C> __device__ __forceinline__ C javaMin(C u, C v) {
    if (isNan(u) || isNan(v)) return u + v;
    if (u == v) return negativeBit(u) ? u : v;
    return u < v ? u : v;
}

// Grid-stride loop over n elements: any grid size covers any n.
#define FOR_EACH(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)

// One extern "C" kernel per element type, so names need no C++ mangling: name_f32, name_f64, ...
#define FOR_TYPES(M) M(f32, float) M(f64, double) M(i32, int) M(u8, u8)

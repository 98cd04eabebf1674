// What CUDA C needs to compile as C++ for the emulated device (template parameters are E4T, never
// T: user kernels are compiled with -DT=float and -DT=double): the built-in variables, the
// qualifiers, and the intrinsics the kernels use. Force-included (-include) before every source
// the emulated NVRTC compiles. Kernels run one thread at a time on one host thread (threads of a
// block interleave only at barriers), so atomics are plain read-modify-writes and __shared__ is
// static storage shared by the block.
#pragma once

#ifdef EAGER4J_SCAN
// The first, preprocess-only pass: kernels keep a marker so the compiler can list them, and
// __syncthreads / __shfl stay visible. Nothing else matters here.
#define __global__ __eager4j_kernel__
#else
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <type_traits>
#include <utility>
#include "emu_abi.h"

#define __global__
extern "C" {
extern EmuThread* eager4j_emu_thread;
extern void (*eager4j_emu_sync)(void);
extern unsigned long long (*eager4j_emu_shfl)(unsigned long long, int, int, int);
}
#define threadIdx (eager4j_emu_thread->threadIdx)
#define blockIdx (eager4j_emu_thread->blockIdx)
#define blockDim (eager4j_emu_thread->blockDim)
#define gridDim (eager4j_emu_thread->gridDim)
#define __syncthreads() eager4j_emu_sync()
static const int warpSize = 32;
typedef EmuDim uint3;
typedef EmuDim dim3;
#endif

#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __shared__ static
#define __constant__ static
#define __launch_bounds__(...)
#define __restrict__ __restrict

#ifndef EAGER4J_SCAN
// Conversions and bit casts, with the GPU's saturating, NaN-to-zero float-to-int semantics.
template <class To, class From> inline To emu_bits(From v) {
    static_assert(sizeof(To) == sizeof(From), "same size");
    To r;
    memcpy(&r, &v, sizeof r);
    return r;
}
template <class F> inline int emu_to_int_rz(F v) {
    if (v != v) return 0;
    if (v >= (F) 2147483647.0) return 2147483647;
    if (v <= (F) -2147483648.0) return (-2147483647 - 1);
    return (int) v;
}
inline int __double2int_rz(double v) { return emu_to_int_rz(v); }
inline int __float2int_rz(float v) { return emu_to_int_rz(v); }
inline long long __double_as_longlong(double v) { return emu_bits<long long>(v); }
inline double __longlong_as_double(long long v) { return emu_bits<double>(v); }
inline int __float_as_int(float v) { return emu_bits<int>(v); }
inline float __int_as_float(int v) { return emu_bits<float>(v); }
inline unsigned __float_as_uint(float v) { return emu_bits<unsigned>(v); }
inline float __uint_as_float(unsigned v) { return emu_bits<float>(v); }

// CUDA's overloaded min and max, and the fast-math spellings (exact here).
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
inline double min(double a, double b) { return fmin(a, b); }
inline double max(double a, double b) { return fmax(a, b); }
inline float rsqrtf(float v) { return 1.0f / sqrtf(v); }
inline double rsqrt(double v) { return 1.0 / sqrt(v); }
inline float __expf(float v) { return expf(v); }
inline float __logf(float v) { return logf(v); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __saturatef(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }
inline void __threadfence() {}
inline void __threadfence_block() {}
template <class E4T> inline E4T __ldg(const E4T* p) { return *p; }

// Atomics: one kernel thread runs at a time, so a plain update is atomic.
template <class E4T> inline E4T atomicAdd(E4T* p, E4T v) { E4T old = *p; *p = old + v; return old; }
template <class E4T> inline E4T atomicSub(E4T* p, E4T v) { E4T old = *p; *p = old - v; return old; }
template <class E4T> inline E4T atomicExch(E4T* p, E4T v) { E4T old = *p; *p = v; return old; }
template <class E4T> inline E4T atomicMax(E4T* p, E4T v) { E4T old = *p; if (v > old) *p = v; return old; }
template <class E4T> inline E4T atomicMin(E4T* p, E4T v) { E4T old = *p; if (v < old) *p = v; return old; }
template <class E4T> inline E4T atomicAnd(E4T* p, E4T v) { E4T old = *p; *p = old & v; return old; }
template <class E4T> inline E4T atomicOr(E4T* p, E4T v) { E4T old = *p; *p = old | v; return old; }
template <class E4T> inline E4T atomicXor(E4T* p, E4T v) { E4T old = *p; *p = old ^ v; return old; }
template <class E4T> inline E4T atomicCAS(E4T* p, E4T compare, E4T v) { E4T old = *p; if (old == compare) *p = v; return old; }

// Warp exchanges go through the library, which runs the warp's threads to the same point first.
template <class E4T> inline E4T emu_shfl(E4T v, int mode, int lane, int width) {
    static_assert(sizeof(E4T) <= 8, "a shuffled value has at most 8 bytes");
    unsigned long long bits = 0;
    memcpy(&bits, &v, sizeof v);
    bits = eager4j_emu_shfl(bits, mode, lane, width);
    E4T r;
    memcpy(&r, &bits, sizeof r);
    return r;
}
template <class E4T> inline E4T __shfl_sync(unsigned, E4T v, int lane, int width = 32) { return emu_shfl(v, EMU_SHFL_IDX, lane, width); }
template <class E4T> inline E4T __shfl_up_sync(unsigned, E4T v, unsigned d, int width = 32) { return emu_shfl(v, EMU_SHFL_UP, (int) d, width); }
template <class E4T> inline E4T __shfl_down_sync(unsigned, E4T v, unsigned d, int width = 32) { return emu_shfl(v, EMU_SHFL_DOWN, (int) d, width); }
template <class E4T> inline E4T __shfl_xor_sync(unsigned, E4T v, int m, int width = 32) { return emu_shfl(v, EMU_SHFL_XOR, m, width); }
inline void __syncwarp(unsigned = 0xffffffffu) { eager4j_emu_shfl(0, EMU_SYNCWARP, 0, 32); }

// The kernel table's glue: a kernel's parameter sizes and a call from an array of argument pointers.
template <class F> struct EmuSignature;
template <class... A> struct EmuSignature<void (*)(A...)> {
    static constexpr int count = sizeof...(A);
    static constexpr unsigned sizes[sizeof...(A) + 1] = {(unsigned) sizeof(A)..., 0u};
    static constexpr unsigned char pointer[sizeof...(A) + 1] = {(unsigned char) std::is_pointer<A>::value..., 0};
    template <size_t... I> static void call(void (*f)(A...), void** args, std::index_sequence<I...>) {
        f(*static_cast<typename std::remove_cv<A>::type*>(args[I])...);
    }
};
template <auto F> void emu_invoke(void** args) {
    using S = EmuSignature<decltype(F)>;
    S::call(F, args, std::make_index_sequence<S::count>{});
}
#endif

/*
 * A fake CUDA driver, cuBLAS and NVRTC for FakeDriverTest: "device" memory is host memory, GEMMs
 * are naive column-major loops, and two kernels (fill_f32, gather_f32) are done in C so the
 * marshalling of scalar and struct parameters is checked. Every other launch is only counted.
 * Built three times with -DLIB_CUDA, -DLIB_CUBLAS, -DLIB_NVRTC. Never shipped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef LIB_CUDA
typedef int CUresult;
CUresult cuInit(unsigned flags) { return flags == 0 ? 0 : 1; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return 0; }
CUresult cuDeviceGet(int *d, int ordinal) { *d = ordinal; return 0; }
CUresult cuDeviceGetAttribute(int *v, int attr, int dev) { *v = attr == 75 ? 9 : 0; return dev == 0 ? 0 : 101; }
CUresult cuDevicePrimaryCtxRetain(void **c, int dev) { *c = (void *) 0x10; return 0; }
CUresult cuCtxSetCurrent(void *c) { return c == (void *) 0x10 ? 0 : 201; }
CUresult cuMemAlloc_v2(uint64_t *p, size_t bytes) {
    if (bytes > ((size_t) 1 << 33)) return 2;   /* out of memory */
    *p = (uint64_t) (uintptr_t) malloc(bytes);
    return 0;
}
CUresult cuMemFree_v2(uint64_t p) { free((void *) (uintptr_t) p); return 0; }
CUresult cuMemGetInfo_v2(size_t *free_, size_t *total) { *free_ = 1 << 30; *total = (size_t) 1 << 31; return 0; }
CUresult cuMemcpyHtoD_v2(uint64_t d, const void *s, size_t n) { memcpy((void *) (uintptr_t) d, s, n); return 0; }
CUresult cuMemcpyDtoH_v2(void *d, uint64_t s, size_t n) { memcpy(d, (void *) (uintptr_t) s, n); return 0; }
CUresult cuMemcpyDtoD_v2(uint64_t d, uint64_t s, size_t n) { memcpy((void *) (uintptr_t) d, (void *) (uintptr_t) s, n); return 0; }
CUresult cuMemsetD8_v2(uint64_t d, unsigned char v, size_t n) { memset((void *) (uintptr_t) d, v, n); return 0; }
CUresult cuModuleLoadData(void **m, const void *image) { *m = (void *) 0x20; return image ? 0 : 200; }
CUresult cuModuleGetFunction(void **f, void *m, const char *name) { *f = strdup(name); return m ? 0 : 400; }
CUresult cuStreamCreate(void **s, unsigned flags) { *s = (void *) 0x30; return 0; }
CUresult cuStreamSynchronize(void *s) { return s == (void *) 0x30 ? 0 : 400; }
CUresult cuGetErrorString(CUresult r, const char **s) { *s = "fake error"; return 0; }

struct Geom { int rank; int out[8]; int s0[8]; int s1[8]; int s2[8]; };

static int offsetOf(int j, int rank, const int *out, const int *strides) {
    int off = 0;
    for (int d = rank - 1; d >= 0 && j > 0; d--) { off += (j % out[d]) * strides[d]; j /= out[d]; }
    return off;
}

CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **params, void **extra) {
    const char *name = (const char *) f;
    if (!params || gx == 0 || bx == 0 || gy != 1 || by != 1 || stream != (void *) 0x30 || extra) return 1;
    if (strcmp(name, "fill_f32") == 0) {
        int n = *(int *) params[0];
        double v = *(double *) params[1];
        float *r = (float *) (uintptr_t) *(uint64_t *) params[2];
        for (int i = 0; i < n; i++) r[i] = (float) v;
    } else if (strcmp(name, "gather_f32") == 0) {
        int n = *(int *) params[0];
        struct Geom *g = (struct Geom *) params[1];
        int base = *(int *) params[2];
        float *x = (float *) (uintptr_t) *(uint64_t *) params[3];
        float *r = (float *) (uintptr_t) *(uint64_t *) params[4];
        for (int j = 0; j < n; j++) r[j] = x[base + offsetOf(j, g->rank, g->out, g->s0)];
    }
    return 0;
}
#endif

#ifdef LIB_CUBLAS
int cublasCreate_v2(void **h) { *h = (void *) 0x40; return 0; }
int cublasSetStream_v2(void *h, void *s) { return h == (void *) 0x40 && s == (void *) 0x30 ? 0 : 7; }

/* column-major C[m,n] = op(A)[m,k] op(B)[k,n], op = transpose when 1 */
#define GEMM(NAME, T)                                                                       \
static void NAME(int ta, int tb, int m, int n, int k, T alpha, const T *A, int lda,        \
                 const T *B, int ldb, T beta, T *C, int ldc) {                              \
    for (int j = 0; j < n; j++)                                                             \
        for (int i = 0; i < m; i++) {                                                       \
            double s = 0;                                                                   \
            for (int q = 0; q < k; q++)                                                     \
                s += (double) (ta ? A[q + i * lda] : A[i + q * lda]) * (tb ? B[j + q * ldb] : B[q + j * ldb]); \
            C[i + j * ldc] = (T) (alpha * s + beta * C[i + j * ldc] * (beta != 0));         \
        }                                                                                   \
}
GEMM(sgemm, float)
GEMM(dgemm, double)

int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                   const float *B, int ldb, const float *beta, float *C, int ldc) {
    sgemm(ta, tb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
    return 0;
}
int cublasDgemm_v2(void *h, int ta, int tb, int m, int n, int k, const double *alpha, const double *A, int lda,
                   const double *B, int ldb, const double *beta, double *C, int ldc) {
    dgemm(ta, tb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
    return 0;
}
int cublasSgemmStridedBatched(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                              long long sa, const float *B, int ldb, long long sb, const float *beta, float *C, int ldc,
                              long long sc, int batch) {
    for (int p = 0; p < batch; p++) sgemm(ta, tb, m, n, k, *alpha, A + p * sa, lda, B + p * sb, ldb, *beta, C + p * sc, ldc);
    return 0;
}
#endif

#ifdef LIB_NVRTC
int nvrtcCreateProgram(void **p, const char *src, const char *name, int nh, const char **h, const char **names) {
    *p = (void *) 0x50;
    return src && name && (nh == 0 || (h[0] && names[0])) ? 0 : 3;
}
int nvrtcCompileProgram(void *p, int n, const char **opts) { return n > 0 && strncmp(opts[0], "--gpu-architecture=compute_90", 29) == 0 ? 0 : 5; }
int nvrtcGetPTXSize(void *p, size_t *n) { *n = 11; return 0; }
int nvrtcGetPTX(void *p, char *out) { memcpy(out, "// fake ptx", 11); out[10] = 0; return 0; }
int nvrtcGetProgramLogSize(void *p, size_t *n) { *n = 1; return 0; }
int nvrtcGetProgramLog(void *p, char *out) { out[0] = 0; return 0; }
int nvrtcDestroyProgram(void **p) { return *p == (void *) 0x50 ? 0 : 3; }
#endif

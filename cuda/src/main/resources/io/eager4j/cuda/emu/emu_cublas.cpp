// The cuBLAS GEMMs eager4j calls, column-major as cuBLAS defines them, queued in stream order and
// computed on the CPU: float32 accumulates in float32 as cuBLAS does, float64 in float64.
#include <cstring>
#include <string>
#include <vector>

#include "emu_internal.h"

using namespace emu;

namespace {
enum Status { OK = 0, BLAS_NOT_INITIALIZED = 1, BLAS_INVALID_VALUE = 7, BLAS_EXECUTION_FAILED = 13 };

struct Handle {
    void* stream;
};

// C[m,n] = alpha op(A) op(B) + beta C; with beta == 0, C is not read (it may hold NaN), as in cuBLAS.
template <class T>
void gemm(bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda, const T* b, int ldb, T beta, T* c, int ldc) {
    std::vector<T> acc(m);
    for (int j = 0; j < n; j++) {
        if (!ta) {   // column j of C as a sum of A's columns: unit stride over i
            for (int i = 0; i < m; i++) acc[i] = 0;
            for (int p = 0; p < k; p++) {
                T bv = tb ? b[j + (size_t) p * ldb] : b[p + (size_t) j * ldb];
                const T* col = a + (size_t) p * lda;
                for (int i = 0; i < m; i++) acc[i] += col[i] * bv;
            }
        } else {     // A stored transposed: each element of C is a dot product along A's column
            for (int i = 0; i < m; i++) {
                const T* row = a + (size_t) i * lda;
                T s = 0;
                if (!tb) {
                    const T* col = b + (size_t) j * ldb;
                    for (int p = 0; p < k; p++) s += row[p] * col[p];
                } else {
                    for (int p = 0; p < k; p++) s += row[p] * b[j + (size_t) p * ldb];
                }
                acc[i] = s;
            }
        }
        T* cj = c + (size_t) j * ldc;
        for (int i = 0; i < m; i++) cj[i] = beta == T(0) ? alpha * acc[i] : alpha * acc[i] + beta * cj[i];
    }
}

// Bytes an operand spans: `cols` columns of `rows` elements, ld apart.
size_t span(int rows, int cols, int ld, size_t elem) {
    return rows == 0 || cols == 0 ? 0 : ((size_t) (cols - 1) * ld + rows) * elem;
}

template <class T>
int queue(void* handle, int opA, int opB, int m, int n, int k, const T* alpha, uint64_t a, int lda, long long strideA,
          uint64_t b, int ldb, long long strideB, const T* beta, uint64_t c, int ldc, long long strideC, int batch, const char* what) {
    if (handle == nullptr || !contextCurrent()) return BLAS_NOT_INITIALIZED;
    bool ta = opA != 0, tb = opB != 0;
    if (opA < 0 || opA > 1 || opB < 0 || opB > 1 || m < 0 || n < 0 || k < 0 || batch < 0) return BLAS_INVALID_VALUE;
    int rowsA = ta ? k : m, colsA = ta ? m : k, rowsB = tb ? n : k, colsB = tb ? k : n;
    if (lda < (rowsA > 1 ? rowsA : 1) || ldb < (rowsB > 1 ? rowsB : 1) || ldc < (m > 1 ? m : 1)) return BLAS_INVALID_VALUE;
    if (m == 0 || n == 0 || batch == 0) return OK;
    size_t e = sizeof(T);
    for (int p = 0; p < batch; p++) {
        std::string bad = checkRange(c + p * strideC * e, span(m, n, ldc, e), what);
        if (bad.empty() && k > 0) bad = checkRange(a + p * strideA * e, span(rowsA, colsA, lda, e), what);
        if (bad.empty() && k > 0) bad = checkRange(b + p * strideB * e, span(rowsB, colsB, ldb, e), what);
        if (!bad.empty()) {
            enqueue([bad] { failLater(ILLEGAL_ADDRESS, bad); });
            return BLAS_EXECUTION_FAILED;
        }
    }
    T al = *alpha, be = *beta;   // pointer mode host: read at call time
    enqueue([=] {
        for (int p = 0; p < batch; p++) {
            gemm<T>(ta, tb, m, n, k, al, (const T*) (uintptr_t) (a + p * strideA * e), lda,
                    (const T*) (uintptr_t) (b + p * strideB * e), ldb, be, (T*) (uintptr_t) (c + p * strideC * e), ldc);
        }
    });
    return OK;
}
}  // namespace

EMU_EXPORT int cublasCreate_v2(void** handle) {
    if (!contextCurrent()) return BLAS_NOT_INITIALIZED;
    *handle = new Handle{nullptr};
    return OK;
}

EMU_EXPORT int cublasSetStream_v2(void* handle, void* stream) {
    if (handle == nullptr) return BLAS_NOT_INITIALIZED;
    static_cast<Handle*>(handle)->stream = stream;
    return OK;
}

EMU_EXPORT int cublasSgemm_v2(void* h, int opA, int opB, int m, int n, int k, const float* alpha, uint64_t a, int lda,
                              uint64_t b, int ldb, const float* beta, uint64_t c, int ldc) {
    return queue<float>(h, opA, opB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1, "cublasSgemm");
}

EMU_EXPORT int cublasDgemm_v2(void* h, int opA, int opB, int m, int n, int k, const double* alpha, uint64_t a, int lda,
                              uint64_t b, int ldb, const double* beta, uint64_t c, int ldc) {
    return queue<double>(h, opA, opB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1, "cublasDgemm");
}

EMU_EXPORT int cublasSgemmStridedBatched(void* h, int opA, int opB, int m, int n, int k, const float* alpha, uint64_t a,
                                         int lda, long long strideA, uint64_t b, int ldb, long long strideB,
                                         const float* beta, uint64_t c, int ldc, long long strideC, int batch) {
    return queue<float>(h, opA, opB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch,
                        "cublasSgemmStridedBatched");
}

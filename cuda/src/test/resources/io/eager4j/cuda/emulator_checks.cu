// Kernels that misbehave on purpose (and two that use barriers correctly), for EmulatorTest.
extern "C" __global__ void overrun(int n, float* r) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n) r[i] = 1.0f;   // <= : one element past the end
}

extern "C" __global__ void underrun(float* r) {
    if (threadIdx.x == 0) r[-1] = 2.0f;
}

extern "C" __global__ void divergent(float* r) {
    if (threadIdx.x < 16) __syncthreads();   // half the block never arrives
    r[threadIdx.x] = 3.0f;
}

// Two different barriers (not inlined, different bodies, so the compiler cannot merge them).
__noinline__ __device__ void waitThenFour(float* r) {
    __syncthreads();
    r[threadIdx.x] = 4.0f;
}
__noinline__ __device__ void waitThenFive(float* r) {
    __syncthreads();
    r[threadIdx.x] = 5.0f;
}
extern "C" __global__ void twoBarriers(float* r) {
    if (threadIdx.x % 2 == 0) waitThenFour(r);
    else waitThenFive(r);
}

// Reverses each block's slice through shared memory: wrong without a working barrier.
extern "C" __global__ void reverse(int n, const float* x, float* r) {
    __shared__ float tile[256];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    tile[threadIdx.x] = i < n ? x[i] : 0.0f;
    __syncthreads();
    int j = blockIdx.x * blockDim.x + (blockDim.x - 1 - threadIdx.x);
    if (j < n) r[j] = tile[threadIdx.x];
}

// One sum per warp through shuffles (the usual tree), written by lane 0.
extern "C" __global__ void warpSums(const float* x, float* r) {
    float v = x[blockIdx.x * blockDim.x + threadIdx.x];
    for (int d = 16; d > 0; d /= 2) v += __shfl_down_sync(0xffffffffu, v, d);
    if (threadIdx.x % 32 == 0) r[(blockIdx.x * blockDim.x + threadIdx.x) / 32] = v;
}

extern "C" __global__ void copy(int n, const float* x, float* r) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) r[i] = x[i];
}

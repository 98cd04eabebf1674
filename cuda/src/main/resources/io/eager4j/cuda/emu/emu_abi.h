// The contract between the emulation library and the modules its NVRTC builds: a module exports
// one EmuModule (its kernel table), and the library points the module's hooks at its scheduler.
// Included by the library and, through emu_shim.h, by every emulated kernel module.
#pragma once

struct EmuDim {
    unsigned x, y, z;
};

// What a kernel sees as threadIdx, blockIdx, blockDim and gridDim while one of its threads runs.
struct EmuThread {
    EmuDim threadIdx, blockIdx, blockDim, gridDim;
};

struct EmuKernel {
    const char* name;
    int params;                   // parameter count
    const unsigned* sizes;        // sizeof each parameter
    const unsigned char* pointer; // 1 where a parameter is a pointer (a device address)
    int barrier;                  // may call __syncthreads or a warp intrinsic: its threads run as fibers
    void (*invoke)(void** args);  // calls the kernel with args[i] pointing at parameter i
};

// Warp exchange modes for EmuModule::shfl.
enum { EMU_SHFL_IDX = 0, EMU_SHFL_UP = 1, EMU_SHFL_DOWN = 2, EMU_SHFL_XOR = 3, EMU_SYNCWARP = 4 };

struct EmuModule {
    int version;                  // EMU_ABI_VERSION
    int count;
    const EmuKernel* kernels;
    EmuThread** thread;           // the library sets *thread before each kernel thread runs or resumes
    void (**sync)(void);          // __syncthreads
    unsigned long long (**shfl)(unsigned long long value, int mode, int lane, int width);
};

#define EMU_ABI_VERSION 1

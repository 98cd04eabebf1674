// Inside the emulation library: its error channel, its one work queue and its device memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include "emu_abi.h"

#define EMU_EXPORT extern "C" __attribute__((visibility("default")))

namespace emu {

// The CUresult values the emulator returns, as cuda.h numbers them.
enum Result : int {
    SUCCESS = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, INVALID_DEVICE = 101,
    INVALID_IMAGE = 200, INVALID_CONTEXT = 201, INVALID_HANDLE = 400, NOT_FOUND = 500, NOT_READY = 600,
    ILLEGAL_ADDRESS = 700, LAUNCH_FAILED = 719, ILLEGAL_STATE = 401,
    STREAM_CAPTURE_UNSUPPORTED = 900, STREAM_CAPTURE_INVALIDATED = 901,
};

// Returns code after keeping detail for cuGetErrorString on this thread.
int fail(int code, const std::string& detail);
// From queued work: the first failure is returned by the next call that waits for the queue.
void failLater(int code, const std::string& detail);

// Stream capture (emu_graph.cpp): true when this thread captures and task went into its graph.
bool captureTask(std::function<void()>& task);
// SUCCESS, or the failure of a call that waits for the queue while this thread captures.
int refuseWhileCapturing(const char* what);

// One in-order queue for every stream: work runs on one host thread, in submission order.
void enqueue(std::function<void()> task);
// Waits until everything queued so far has run; returns (and clears) the first queued failure.
int drain();
uint64_t submitted();
void waitFor(uint64_t ticket);
bool reached(uint64_t ticket);

// Device memory: host memory with red zones. Empty string = fine, else what is wrong.
std::string checkRange(uint64_t ptr, size_t bytes, const char* what);
// A kernel's pointer argument: inside a live allocation (or null).
std::string checkPointer(uint64_t ptr);
// Red zones of the allocation holding ptr: written past either end?
std::string checkRedZones(uint64_t ptr);

bool contextCurrent();
// SUCCESS when cuInit ran and this thread has the context current, else the failure to return.
int needContext();

// Points a freshly loaded module's __syncthreads and warp hooks at the scheduler.
void installHooks(const EmuModule& m);

// Runs a whole grid of kernel f on this thread; empty string = fine, else what went wrong.
std::string runGrid(const EmuKernel& f, const EmuModule& m, void** args, EmuDim grid, EmuDim block);

}  // namespace emu

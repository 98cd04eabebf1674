// The CUDA driver API as eager4j binds it, over host memory: the context (one device), the one
// queue that runs work in order on a worker thread, the error channel, streams and events. Device
// memory is in emu_memory.cpp, modules and launches in emu_module.cpp.
#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "emu_internal.h"

namespace emu {

namespace {
struct State {
    std::mutex m;                           // the queue and the error
    std::condition_variable work, done;
    std::deque<std::function<void()>> queue;
    uint64_t queued = 0, finished = 0;
    bool worker = false;
    int errorCode = 0;
    std::string errorDetail;
    bool initialized = false;
};
// Never destroyed: the worker may still run while the JVM exits.
State& st = *new State;
thread_local bool current = false;
thread_local std::string lastDetail;
thread_local int lastCode = 0;

void workerLoop() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock<std::mutex> l(st.m);
            st.work.wait(l, [] { return !st.queue.empty(); });
            task = std::move(st.queue.front());
            st.queue.pop_front();
        }
        task();
        {
            std::lock_guard<std::mutex> l(st.m);
            st.finished++;
        }
        st.done.notify_all();
    }
}

// The allocation that holds ptr (live or quarantined), or null; st.mem is held.
}  // namespace

int needContext() {
    if (!st.initialized) return fail(NOT_INITIALIZED, "cuInit has not been called");
    if (!current) return fail(INVALID_CONTEXT, "no CUDA context is current on this thread (cuCtxSetCurrent first)");
    return SUCCESS;
}
int fail(int code, const std::string& detail) {
    lastCode = code;
    lastDetail = detail;
    return code;
}

void failLater(int code, const std::string& detail) {
    std::lock_guard<std::mutex> l(st.m);
    if (st.errorCode == 0) {
        st.errorCode = code;
        st.errorDetail = detail;
    }
}

void enqueue(std::function<void()> task) {
    if (captureTask(task)) return;
    {
        std::lock_guard<std::mutex> l(st.m);
        if (!st.worker) {
            (new std::thread(workerLoop))->detach();
            st.worker = true;
        }
        st.queue.push_back(std::move(task));
        st.queued++;
    }
    st.work.notify_one();
}

uint64_t submitted() {
    std::lock_guard<std::mutex> l(st.m);
    return st.queued;
}

void waitFor(uint64_t ticket) {
    std::unique_lock<std::mutex> l(st.m);
    st.done.wait(l, [ticket] { return st.finished >= ticket; });
}

bool reached(uint64_t ticket) {
    std::lock_guard<std::mutex> l(st.m);
    return st.finished >= ticket;
}

int drain() {
    if (int rc = refuseWhileCapturing("a synchronizing call")) return rc;
    std::unique_lock<std::mutex> l(st.m);
    st.done.wait(l, [] { return st.finished == st.queued; });
    int code = st.errorCode;
    std::string detail = std::move(st.errorDetail);
    st.errorCode = 0;
    st.errorDetail.clear();
    l.unlock();
    return code == 0 ? SUCCESS : fail(code, detail);
}

bool contextCurrent() {
    return current;
}

}  // namespace emu

using namespace emu;

namespace {
const char* errorName(int code) {
    switch (code) {
        case SUCCESS: return "no error";
        case INVALID_VALUE: return "invalid argument";
        case OUT_OF_MEMORY: return "out of memory";
        case NOT_INITIALIZED: return "initialization error";
        case INVALID_DEVICE: return "invalid device ordinal";
        case INVALID_IMAGE: return "device kernel image is invalid";
        case INVALID_CONTEXT: return "invalid device context";
        case INVALID_HANDLE: return "invalid resource handle";
        case NOT_FOUND: return "named symbol not found";
        case NOT_READY: return "device not ready";
        case ILLEGAL_ADDRESS: return "an illegal memory access was encountered";
        case LAUNCH_FAILED: return "unspecified launch failure";
        case ILLEGAL_STATE: return "the operation cannot be performed in the present state";
        case STREAM_CAPTURE_UNSUPPORTED: return "operation not permitted when stream is capturing";
        case STREAM_CAPTURE_INVALIDATED: return "operation failed due to a previous error during capture";
        default: return nullptr;
    }
}

struct Event {
    uint64_t ticket = 0;
};

int primaryContext = 0x10;   // its address is the one context handle
int theStream = 0x30;
}  // namespace

EMU_EXPORT int cuInit(unsigned flags) {
    if (flags != 0) return fail(INVALID_VALUE, "cuInit: flags must be 0");
    st.initialized = true;
    return SUCCESS;
}

EMU_EXPORT int cuDeviceGetCount(int* n) {
    if (!st.initialized) return fail(NOT_INITIALIZED, "cuInit has not been called");
    *n = 1;
    return SUCCESS;
}

EMU_EXPORT int cuDeviceGet(int* device, int ordinal) {
    if (!st.initialized) return fail(NOT_INITIALIZED, "cuInit has not been called");
    if (ordinal != 0) return fail(INVALID_DEVICE, "the emulator has one device, gpu:0");
    *device = 0;
    return SUCCESS;
}

EMU_EXPORT int cuDeviceGetAttribute(int* value, int attribute, int device) {
    if (device != 0) return fail(INVALID_DEVICE, "the emulator has one device, gpu:0");
    switch (attribute) {
        case 1: *value = 1024; break;            // max threads per block
        case 2: case 3: case 4: *value = attribute == 2 ? 1024 : 64; break;
        case 5: *value = 2147483647; break;      // max grid x
        case 6: case 7: *value = 65535; break;
        case 8: *value = 48 * 1024; break;       // shared memory per block
        case 10: *value = 32; break;             // warp size
        case 16: *value = 1; break;              // multiprocessors
        case 75: *value = 9; break;              // compute capability 9.0: kernels are built for compute_90
        case 76: *value = 0; break;
        default: *value = 0;
    }
    return SUCCESS;
}

EMU_EXPORT int cuDevicePrimaryCtxRetain(void** context, int device) {
    if (!st.initialized) return fail(NOT_INITIALIZED, "cuInit has not been called");
    if (device != 0) return fail(INVALID_DEVICE, "the emulator has one device, gpu:0");
    *context = &primaryContext;
    return SUCCESS;
}

EMU_EXPORT int cuCtxSetCurrent(void* context) {
    if (context != nullptr && context != &primaryContext) return fail(INVALID_CONTEXT, "cuCtxSetCurrent: not a context of this device");
    current = context != nullptr;
    return SUCCESS;
}

EMU_EXPORT int cuCtxSynchronize() {
    if (int rc = needContext()) return rc;
    return drain();
}

EMU_EXPORT int cuStreamCreate(void** stream, unsigned flags) {
    if (int rc = needContext()) return rc;
    *stream = &theStream;   // every stream is the one queue: stronger ordering than CUDA promises
    return SUCCESS;
}

EMU_EXPORT int cuStreamSynchronize(void* stream) {
    if (int rc = needContext()) return rc;
    if (stream != nullptr && stream != &theStream) return fail(INVALID_HANDLE, "cuStreamSynchronize: not a stream");
    return drain();
}

EMU_EXPORT int cuEventCreate(void** event, unsigned flags) {
    if (int rc = needContext()) return rc;
    *event = new Event;
    return SUCCESS;
}

EMU_EXPORT int cuEventRecord(void* event, void* stream) {
    if (int rc = needContext()) return rc;
    if (event == nullptr) return fail(INVALID_HANDLE, "cuEventRecord: null event");
    static_cast<Event*>(event)->ticket = submitted();
    return SUCCESS;
}

EMU_EXPORT int cuEventQuery(void* event) {
    if (event == nullptr) return fail(INVALID_HANDLE, "cuEventQuery: null event");
    return reached(static_cast<Event*>(event)->ticket) ? SUCCESS : NOT_READY;
}

EMU_EXPORT int cuEventSynchronize(void* event) {
    if (event == nullptr) return fail(INVALID_HANDLE, "cuEventSynchronize: null event");
    if (int rc = refuseWhileCapturing("cuEventSynchronize")) return rc;
    waitFor(static_cast<Event*>(event)->ticket);
    return SUCCESS;
}

EMU_EXPORT int cuEventDestroy_v2(void* event) {
    delete static_cast<Event*>(event);
    return SUCCESS;
}

EMU_EXPORT int cuGetErrorString(int code, const char** text) {
    const char* name = errorName(code);
    if (name == nullptr) {
        *text = nullptr;
        return INVALID_VALUE;
    }
    static thread_local std::string message;
    message = name;
    if (code == lastCode && !lastDetail.empty()) message += ": " + lastDetail;
    *text = message.c_str();
    return SUCCESS;
}


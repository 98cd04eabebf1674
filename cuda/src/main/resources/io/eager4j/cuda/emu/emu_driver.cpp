// The CUDA driver API as eager4j binds it, over host memory: a context per device (one device),
// one queue that runs work in order on a worker thread, device memory with red zones and a
// quarantine for freed blocks, modules built by the emulated NVRTC, events and launches.
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
constexpr size_t RED_ZONE = 256;            // bytes of canary on each side (CUDA aligns to 256 too)
constexpr unsigned char CANARY = 0xCD;
constexpr unsigned char FRESH = 0xFF;       // new memory reads as NaN: using it unwritten shows
constexpr size_t QUARANTINE = 256u << 20;   // freed bytes kept poisoned before going back to malloc
constexpr size_t TOTAL = 8ull << 30;        // what cuMemGetInfo reports

struct Alloc {
    char* raw;
    size_t bytes;
    bool live;
};

struct State {
    std::mutex m;                           // the queue and the error
    std::condition_variable work, done;
    std::deque<std::function<void()>> queue;
    uint64_t queued = 0, finished = 0;
    bool worker = false;
    int errorCode = 0;
    std::string errorDetail;

    std::mutex mem;                         // the allocations
    std::map<uint64_t, Alloc> allocs;       // by device address; freed ones stay until evicted
    std::deque<uint64_t> freed;
    size_t liveBytes = 0, quarantined = 0;
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
Alloc* find(uint64_t ptr, uint64_t* base) {
    auto it = st.allocs.upper_bound(ptr);
    if (it == st.allocs.begin()) return nullptr;
    --it;
    if (ptr > it->first + it->second.bytes) return nullptr;   // one past the end still belongs
    *base = it->first;
    return &it->second;
}

std::string hex(uint64_t v) {
    char b[32];
    snprintf(b, sizeof b, "0x%llx", (unsigned long long) v);
    return b;
}

// First written canary byte as an offset from the allocation's start, or 0 when intact.
long long damaged(const Alloc& a) {
    const unsigned char* front = (const unsigned char*) a.raw;
    for (size_t i = 0; i < RED_ZONE; i++) {
        if (front[i] != CANARY) return (long long) i - (long long) RED_ZONE;
    }
    const unsigned char* back = (const unsigned char*) a.raw + RED_ZONE + a.bytes;
    for (size_t i = 0; i < RED_ZONE; i++) {
        if (back[i] != CANARY) return (long long) (a.bytes + i);
    }
    return 0;
}

int needContext() {
    if (!st.initialized) return fail(NOT_INITIALIZED, "cuInit has not been called");
    if (!current) return fail(INVALID_CONTEXT, "no CUDA context is current on this thread (cuCtxSetCurrent first)");
    return SUCCESS;
}
}  // namespace

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
    std::unique_lock<std::mutex> l(st.m);
    st.done.wait(l, [] { return st.finished == st.queued; });
    int code = st.errorCode;
    std::string detail = std::move(st.errorDetail);
    st.errorCode = 0;
    st.errorDetail.clear();
    l.unlock();
    return code == 0 ? SUCCESS : fail(code, detail);
}

std::string checkRange(uint64_t ptr, size_t bytes, const char* what) {
    std::lock_guard<std::mutex> l(st.mem);
    uint64_t base;
    Alloc* a = find(ptr, &base);
    if (a == nullptr) return std::string(what) + ": " + hex(ptr) + " is not device memory";
    if (!a->live) return std::string(what) + ": " + hex(ptr) + " is in a freed allocation (use after free)";
    if (ptr - base + bytes > a->bytes) {
        return std::string(what) + ": " + std::to_string(bytes) + " bytes at offset " + std::to_string(ptr - base)
                + " run past the end of a " + std::to_string(a->bytes) + "-byte allocation";
    }
    return "";
}

std::string checkPointer(uint64_t ptr) {
    if (ptr == 0) return "";
    std::lock_guard<std::mutex> l(st.mem);
    uint64_t base;
    Alloc* a = find(ptr, &base);
    if (a == nullptr) return hex(ptr) + " is not device memory";
    if (!a->live) return hex(ptr) + " points into freed device memory (use after free)";
    return "";
}

std::string checkRedZones(uint64_t ptr) {
    std::lock_guard<std::mutex> l(st.mem);
    uint64_t base;
    Alloc* a = find(ptr, &base);
    if (a == nullptr || !a->live) return "";
    long long at = damaged(*a);
    if (at == 0) return "";
    memset(a->raw, CANARY, RED_ZONE);   // report each overrun once
    memset(a->raw + RED_ZONE + a->bytes, CANARY, RED_ZONE);
    return at < 0 ? "wrote " + std::to_string(-at) + " bytes before the start of a " + std::to_string(a->bytes) + "-byte allocation"
                  : "wrote at byte offset " + std::to_string(at) + " of a " + std::to_string(a->bytes) + "-byte allocation (past its end)";
}

bool contextCurrent() {
    return current;
}

}  // namespace emu

using namespace emu;
typedef uint64_t CUdeviceptr;

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
        default: return nullptr;
    }
}

struct Function {
    const EmuKernel* kernel;
    const EmuModule* module;
};

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

EMU_EXPORT int cuMemAlloc_v2(CUdeviceptr* ptr, size_t bytes) {
    if (int rc = needContext()) return rc;
    if (bytes == 0) return fail(INVALID_VALUE, "cuMemAlloc: 0 bytes");
    std::lock_guard<std::mutex> l(st.mem);
    if (st.liveBytes + bytes > TOTAL) return fail(OUT_OF_MEMORY, "cuMemAlloc: " + std::to_string(bytes) + " bytes asked, " + std::to_string(TOTAL - st.liveBytes) + " free");
    size_t total = (2 * RED_ZONE + bytes + RED_ZONE - 1) / RED_ZONE * RED_ZONE;
    char* raw = (char*) aligned_alloc(RED_ZONE, total);
    if (raw == nullptr) return fail(OUT_OF_MEMORY, "cuMemAlloc: the host has no memory left");
    memset(raw, CANARY, RED_ZONE);
    memset(raw + RED_ZONE, FRESH, bytes);
    memset(raw + RED_ZONE + bytes, CANARY, total - RED_ZONE - bytes);
    uint64_t base = (uint64_t) (uintptr_t) (raw + RED_ZONE);
    st.allocs[base] = Alloc{raw, bytes, true};
    st.liveBytes += bytes;
    *ptr = base;
    return SUCCESS;
}

EMU_EXPORT int cuMemFree_v2(CUdeviceptr ptr) {
    if (int rc = needContext()) return rc;
    int pending = drain();   // cuMemFree waits for the device, as the real one does
    std::lock_guard<std::mutex> l(st.mem);
    auto it = st.allocs.find(ptr);
    if (it == st.allocs.end()) return fail(INVALID_VALUE, "cuMemFree: " + hex(ptr) + " is not the start of a device allocation");
    Alloc& a = it->second;
    if (!a.live) return fail(INVALID_VALUE, "cuMemFree: " + hex(ptr) + " was freed already (double free)");
    long long at = damaged(a);
    a.live = false;
    st.liveBytes -= a.bytes;
    memset(a.raw + RED_ZONE, 0xFE, a.bytes);   // stale reads become NaN-like garbage
    st.freed.push_back(ptr);
    st.quarantined += a.bytes;
    while (st.quarantined > QUARANTINE && !st.freed.empty()) {
        auto old = st.allocs.find(st.freed.front());
        st.freed.pop_front();
        st.quarantined -= old->second.bytes;
        free(old->second.raw);
        st.allocs.erase(old);
    }
    if (at != 0) return fail(ILLEGAL_ADDRESS, "cuMemFree: the " + std::to_string(a.bytes) + "-byte allocation at " + hex(ptr) + " was written outside its bounds (byte offset " + std::to_string(at) + ")");
    return pending;
}

EMU_EXPORT int cuMemGetInfo_v2(size_t* freeBytes, size_t* total) {
    if (int rc = needContext()) return rc;
    std::lock_guard<std::mutex> l(st.mem);
    *freeBytes = TOTAL - st.liveBytes;
    *total = TOTAL;
    return SUCCESS;
}

EMU_EXPORT int cuMemAllocHost_v2(void** p, size_t bytes) {
    if (int rc = needContext()) return rc;
    *p = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
    return *p == nullptr ? fail(OUT_OF_MEMORY, "cuMemAllocHost: the host has no memory left") : SUCCESS;
}

EMU_EXPORT int cuMemFreeHost(void* p) {
    if (int rc = needContext()) return rc;
    int pending = drain();   // a queued copy may still read it
    free(p);
    return pending;
}

EMU_EXPORT int cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
    if (int rc = needContext()) return rc;
    std::string bad = checkRange(dst, bytes, "cuMemcpyHtoD");
    if (!bad.empty()) return fail(INVALID_VALUE, bad);
    if (int rc = drain()) return rc;   // the legacy stream waits for the blocking streams
    memcpy((void*) (uintptr_t) dst, src, bytes);
    return SUCCESS;
}

EMU_EXPORT int cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, void* stream) {
    if (int rc = needContext()) return rc;
    std::string bad = checkRange(dst, bytes, "cuMemcpyHtoDAsync");
    if (!bad.empty()) return fail(INVALID_VALUE, bad);
    // reads the host memory when the copy runs, as a real asynchronous copy does
    enqueue([dst, src, bytes] { memcpy((void*) (uintptr_t) dst, src, bytes); });
    return SUCCESS;
}

EMU_EXPORT int cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
    if (int rc = needContext()) return rc;
    std::string bad = checkRange(src, bytes, "cuMemcpyDtoH");
    if (!bad.empty()) return fail(INVALID_VALUE, bad);
    if (int rc = drain()) return rc;
    memcpy(dst, (const void*) (uintptr_t) src, bytes);
    return SUCCESS;
}

EMU_EXPORT int cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    if (int rc = needContext()) return rc;
    std::string bad = checkRange(src, bytes, "cuMemcpyDtoD source");
    if (bad.empty()) bad = checkRange(dst, bytes, "cuMemcpyDtoD destination");
    if (!bad.empty()) return fail(INVALID_VALUE, bad);
    enqueue([dst, src, bytes] { memmove((void*) (uintptr_t) dst, (const void*) (uintptr_t) src, bytes); });
    return SUCCESS;
}

EMU_EXPORT int cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t bytes) {
    if (int rc = needContext()) return rc;
    std::string bad = checkRange(dst, bytes, "cuMemsetD8");
    if (!bad.empty()) return fail(INVALID_VALUE, bad);
    enqueue([dst, value, bytes] { memset((void*) (uintptr_t) dst, value, bytes); });
    return SUCCESS;
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

// Modules: the emulated NVRTC's "PTX" is a shared object in base64 behind a marker line.
static const char MARKER[] = "// eager4j emulated module";

static int decode(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

EMU_EXPORT int cuModuleLoadData(void** module, const void* image) {
    if (int rc = needContext()) return rc;
    const char* text = (const char*) image;
    if (text == nullptr || strncmp(text, MARKER, sizeof MARKER - 1) != 0) {
        return fail(INVALID_IMAGE, "cuModuleLoadData: not a module built by the emulated NVRTC (PTX from a real GPU's cache?);"
                                   " clear the kernel cache (~/.cache/eager4j/cuda) and retry");
    }
    const char* body = strstr(text, "\n.base64\n");
    if (body == nullptr) return fail(INVALID_IMAGE, "cuModuleLoadData: the emulated module has no body");
    std::vector<unsigned char> so;
    unsigned acc = 0;
    int bits = 0;
    for (const char* p = body + 9; *p; p++) {
        int v = decode(*p);
        if (v < 0) continue;
        acc = (acc << 6) | (unsigned) v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            so.push_back((unsigned char) (acc >> bits));
        }
    }
    // Content-addressed file: dlopen knows a library by its path, so a reused path (such as a
    // memfd's /proc/self/fd/N) would hand back an earlier module.
    unsigned long long h = 1469598103934665603ull;
    for (unsigned char c : so) h = (h ^ c) * 1099511628211ull;
    char name[64];
    snprintf(name, sizeof name, "/eager4j-module-%016llx-%zu.so", h, so.size());
    const char* tmp = getenv("TMPDIR");
    std::string path = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + name;
    if (access(path.c_str(), R_OK) != 0) {
        std::string part = path + "." + std::to_string(getpid()) + ".part";
        FILE* out = fopen(part.c_str(), "wb");
        bool ok = out != nullptr && fwrite(so.data(), 1, so.size(), out) == so.size();
        if (out != nullptr) ok = fclose(out) == 0 && ok;
        if (!ok || rename(part.c_str(), path.c_str()) != 0) {
            unlink(part.c_str());
            return fail(INVALID_IMAGE, "cuModuleLoadData: could not write the module to " + path);
        }
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return fail(INVALID_IMAGE, std::string("cuModuleLoadData: ") + dlerror());
    auto* m = (const EmuModule*) dlsym(handle, "eager4j_emu_module");
    if (m == nullptr || m->version != EMU_ABI_VERSION) return fail(INVALID_IMAGE, "cuModuleLoadData: the module was built for another emulator version");
    installHooks(*m);
    *module = (void*) m;
    return SUCCESS;
}

EMU_EXPORT int cuModuleGetFunction(void** function, void* module, const char* name) {
    if (int rc = needContext()) return rc;
    auto* m = (const EmuModule*) module;
    if (m == nullptr) return fail(INVALID_HANDLE, "cuModuleGetFunction: null module");
    for (int i = 0; i < m->count; i++) {
        if (strcmp(m->kernels[i].name, name) == 0) {
            *function = new Function{&m->kernels[i], m};
            return SUCCESS;
        }
    }
    return fail(NOT_FOUND, std::string("cuModuleGetFunction: the module has no kernel ") + name);
}

EMU_EXPORT int cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                              unsigned sharedBytes, void* stream, void** params, void** extra) {
    if (int rc = needContext()) return rc;
    auto* f = (const Function*) function;
    if (f == nullptr) return fail(INVALID_HANDLE, "cuLaunchKernel: null function");
    const EmuKernel& k = *f->kernel;
    unsigned long long threads = (unsigned long long) bx * by * bz;
    if (threads == 0 || threads > 1024 || bz > 64) return fail(INVALID_VALUE, std::string("cuLaunchKernel ") + k.name + ": a block of " + std::to_string(bx) + "x" + std::to_string(by) + "x" + std::to_string(bz) + " threads (at most 1024, z at most 64)");
    if (gx == 0 || gy == 0 || gz == 0 || gy > 65535 || gz > 65535) return fail(INVALID_VALUE, std::string("cuLaunchKernel ") + k.name + ": a grid of " + std::to_string(gx) + "x" + std::to_string(gy) + "x" + std::to_string(gz) + " blocks");
    if (sharedBytes != 0) return fail(INVALID_VALUE, std::string("cuLaunchKernel ") + k.name + ": dynamic shared memory is not emulated");
    if (extra != nullptr) return fail(INVALID_VALUE, std::string("cuLaunchKernel ") + k.name + ": the extra argument form is not emulated");
    if (k.params > 0 && params == nullptr) return fail(INVALID_VALUE, std::string("cuLaunchKernel ") + k.name + ": no kernel parameters given");
    // copy the parameter values now, as cuLaunchKernel does: the caller may reuse its memory at once
    auto storage = std::make_shared<std::vector<unsigned char>>();
    std::vector<size_t> offsets;
    for (int i = 0; i < k.params; i++) {
        size_t at = (storage->size() + 15) / 16 * 16;
        offsets.push_back(at);
        storage->resize(at + k.sizes[i]);
        memcpy(storage->data() + at, params[i], k.sizes[i]);
    }
    std::vector<std::pair<int, uint64_t>> pointers;
    std::string bad;
    for (int i = 0; i < k.params; i++) {
        if (!k.pointer[i]) continue;
        uint64_t p;
        memcpy(&p, storage->data() + offsets[i], sizeof p);
        pointers.emplace_back(i, p);
        std::string why = checkPointer(p);
        if (bad.empty() && !why.empty()) bad = std::string("kernel ") + k.name + " argument " + std::to_string(i) + ": " + why;
    }
    if (!bad.empty()) {   // a real GPU would fault when the kernel touched it
        enqueue([bad] { failLater(ILLEGAL_ADDRESS, bad); });
        return SUCCESS;
    }
    const EmuModule* m = f->module;
    EmuDim grid{gx, gy, gz}, block{bx, by, bz};
    enqueue([&k, m, storage, offsets, pointers, grid, block] {
        std::vector<void*> args;
        for (size_t o : offsets) args.push_back(storage->data() + o);
        std::string why = runGrid(k, *m, args.data(), grid, block);
        if (!why.empty()) {
            failLater(LAUNCH_FAILED, std::string("kernel ") + k.name + ": " + why);
            return;
        }
        for (auto& [i, p] : pointers) {
            std::string overrun = checkRedZones(p);
            if (!overrun.empty()) {
                failLater(ILLEGAL_ADDRESS, std::string("kernel ") + k.name + " " + overrun + " (through argument " + std::to_string(i) + ")");
                return;
            }
        }
    });
    return SUCCESS;
}

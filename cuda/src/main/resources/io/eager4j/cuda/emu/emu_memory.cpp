// Device memory for the emulated driver: host memory with red zones (canaries checked after each
// launch and at free), new memory filled with NaN bytes, freed blocks poisoned and kept in a
// quarantine so double frees and use after free are caught; copies checked against allocations.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <string>

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

struct Memory {
    std::mutex mem;                         // the allocations
    std::map<uint64_t, Alloc> allocs;       // by device address; freed ones stay until evicted
    std::deque<uint64_t> freed;
    size_t liveBytes = 0, quarantined = 0;
};
Memory& st = *new Memory;   // never destroyed, as the queue's state

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

}  // namespace

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

}  // namespace emu

using namespace emu;
typedef uint64_t CUdeviceptr;

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

EMU_EXPORT int cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, void* stream) {
    if (int rc = needContext()) return rc;
    std::string bad = checkRange(src, bytes, "cuMemcpyDtoD source");
    if (bad.empty()) bad = checkRange(dst, bytes, "cuMemcpyDtoD destination");
    if (!bad.empty()) return fail(INVALID_VALUE, bad);
    enqueue([dst, src, bytes] { memmove((void*) (uintptr_t) dst, (const void*) (uintptr_t) src, bytes); });
    return SUCCESS;
}

// queued in order like every copy here: the one queue stands for the legacy stream too
EMU_EXPORT int cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
    return cuMemcpyDtoDAsync_v2(dst, src, bytes, nullptr);
}

EMU_EXPORT int cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t bytes) {
    if (int rc = needContext()) return rc;
    std::string bad = checkRange(dst, bytes, "cuMemsetD8");
    if (!bad.empty()) return fail(INVALID_VALUE, bad);
    enqueue([dst, value, bytes] { memset((void*) (uintptr_t) dst, value, bytes); });
    return SUCCESS;
}


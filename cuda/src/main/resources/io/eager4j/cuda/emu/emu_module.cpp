// Modules and launches for the emulated driver: the emulated NVRTC's "PTX" (a shared object in
// base64 behind a marker line) is loaded with dlopen; a launch copies its parameters, checks its
// pointer arguments and queues the grid, then checks the red zones of what it was given.
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "emu_internal.h"

using namespace emu;

namespace {
struct Function {
    const EmuKernel* kernel;
    const EmuModule* module;
};

}  // namespace

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

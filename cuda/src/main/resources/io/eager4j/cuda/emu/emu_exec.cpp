// Runs a grid on the calling (worker) thread. Blocks run one after another, last first, so a
// kernel that depends on block order shows it. A kernel without barriers runs its threads as a
// plain loop; one with __syncthreads or warp exchanges runs each thread as a fiber, and a
// scheduler releases a barrier only when every thread of the block (or warp) has reached it.
// A barrier that some threads never reach is reported with the kernel's name, never waited on.
#include <sys/mman.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "emu_internal.h"

namespace {

enum State { RUNNABLE, AT_BARRIER, AT_WARP, DONE };

struct Fiber {
    void* sp = nullptr;
    char* stack = nullptr;
    State state = RUNNABLE;
    void* site = nullptr;   // where it waits: two different __syncthreads are a divergence
    unsigned long long value = 0, result = 0;
    int mode = 0, lane = 0, width = 32;
};

constexpr size_t STACK = 256 * 1024;
constexpr size_t GUARD = 4096;

std::vector<Fiber> fibers;
std::vector<EmuThread> threads;
void* schedulerSp = nullptr;
Fiber* running = nullptr;
bool fiberMode = false;
const EmuKernel* kernel = nullptr;
void** kernelArgs = nullptr;
std::string loopModeError;

}  // namespace

// Context switch: saves the callee-saved registers and the FP control words on the current stack,
// stores its stack pointer in *from and continues on `to`'s stack.
extern "C" void eager4j_emu_switch(void** from, void* to);
#if defined(__x86_64__)
asm(R"(
.text
.p2align 4
.globl eager4j_emu_switch
.hidden eager4j_emu_switch
.type eager4j_emu_switch,@function
eager4j_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
.size eager4j_emu_switch, .-eager4j_emu_switch
)");
#else
#error "the CUDA emulator's fibers are written for x86-64"
#endif

namespace {

[[noreturn]] void fiberMain() {
    kernel->invoke(kernelArgs);
    running->state = DONE;
    eager4j_emu_switch(&running->sp, schedulerSp);
    __builtin_unreachable();
}

// A fresh stack whose first switch "returns" into fiberMain with the ABI's alignment.
void prepare(Fiber& f) {
    if (f.stack == nullptr) {
        void* m = mmap(nullptr, STACK + GUARD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) throw std::bad_alloc();
        mprotect(m, GUARD, PROT_NONE);   // an overflowing kernel thread faults instead of corrupting
        f.stack = (char*) m;
    }
    uintptr_t top = ((uintptr_t) (f.stack + GUARD + STACK)) & ~(uintptr_t) 15;
    void** slot = (void**) (top - 16);
    slot[0] = (void*) &fiberMain;   // popped by ret
    slot[1] = nullptr;              // fiberMain's (never used) return address
    unsigned* csr = (unsigned*) (slot - 7);
    unsigned mx;
    unsigned short cw;
    asm volatile("stmxcsr %0" : "=m"(mx));
    asm volatile("fnstcw %0" : "=m"(cw));
    csr[0] = mx;
    csr[1] = cw;
    for (int r = 1; r < 7; r++) slot[-r] = nullptr;   // rbp, rbx, r12-r15
    f.sp = slot - 7;
    f.state = RUNNABLE;
    f.site = nullptr;
}

void yieldToScheduler(State s, void* site) {
    running->state = s;
    running->site = site;
    eager4j_emu_switch(&running->sp, schedulerSp);
}

void sync() {
    if (!fiberMode) {
        if (threads.size() > 1 && loopModeError.empty()) {
            loopModeError = "reached __syncthreads from code the emulator did not see as part of the kernel"
                            " (a barrier in another module?); its threads ran without it";
        }
        return;
    }
    yieldToScheduler(AT_BARRIER, __builtin_return_address(0));
}

unsigned long long shfl(unsigned long long value, int mode, int lane, int width) {
    if (!fiberMode) {
        if (threads.size() > 1 && loopModeError.empty()) loopModeError = "reached a warp exchange the emulator did not see";
        return value;
    }
    Fiber* me = running;
    me->value = value;
    me->mode = mode;
    me->lane = lane;
    me->width = width;
    yieldToScheduler(AT_WARP, __builtin_return_address(0));
    return me->result;
}

std::string where(const EmuDim& b) {
    char s[96];
    snprintf(s, sizeof s, "block (%u,%u,%u)", b.x, b.y, b.z);
    return s;
}

// Every waiting thread of warp w has its exchanged value; the others of the warp have returned.
void exchange(int w, int n) {
    int first = w * 32, last = first + 32 < n ? first + 32 : n;
    for (int t = first; t < last; t++) {
        Fiber& f = fibers[t];
        if (f.state != AT_WARP) continue;
        int lane = t - first, width = f.width > 0 && f.width <= 32 ? f.width : 32;
        int seg = lane / width * width, src = lane;
        switch (f.mode) {
            case EMU_SHFL_IDX: src = seg + ((f.lane % width) + width) % width; break;
            case EMU_SHFL_UP: src = lane - f.lane >= seg ? lane - f.lane : lane; break;
            case EMU_SHFL_DOWN: src = lane + f.lane < seg + width ? lane + f.lane : lane; break;
            case EMU_SHFL_XOR: src = (lane ^ f.lane) < seg + width ? lane ^ f.lane : lane; break;
            default: break;
        }
        int from = first + src;
        f.result = from < last ? fibers[from].value : f.value;
    }
    for (int t = first; t < last; t++) {
        if (fibers[t].state == AT_WARP) fibers[t].state = RUNNABLE;
    }
}

std::string runBlockAsFibers(const EmuModule& m, int n) {
    for (int t = 0; t < n; t++) prepare(fibers[t]);
    for (;;) {
        for (int t = 0; t < n; t++) {
            if (fibers[t].state != RUNNABLE) continue;
            running = &fibers[t];
            *m.thread = &threads[t];
            eager4j_emu_switch(&schedulerSp, fibers[t].sp);
        }
        int done = 0, atBarrier = 0;
        for (int t = 0; t < n; t++) {
            done += fibers[t].state == DONE;
            atBarrier += fibers[t].state == AT_BARRIER;
        }
        if (done == n) return "";
        bool released = false;
        for (int w = 0; w * 32 < n; w++) {
            int first = w * 32, last = first + 32 < n ? first + 32 : n, waiting = 0, other = 0;
            for (int t = first; t < last; t++) {
                waiting += fibers[t].state == AT_WARP;
                other += fibers[t].state == AT_BARRIER;
            }
            if (waiting > 0 && other == 0) {
                exchange(w, n);
                released = true;
            }
        }
        if (released) continue;
        const EmuDim& b = threads[0].blockIdx;
        if (atBarrier == n) {
            for (int t = 1; t < n; t++) {
                if (fibers[t].site != fibers[0].site) {
                    return "threads of " + where(b) + " wait at different __syncthreads (thread 0 and thread "
                            + std::to_string(t) + "): a barrier reached divergently";
                }
            }
            for (int t = 0; t < n; t++) fibers[t].state = RUNNABLE;
            continue;
        }
        if (done > 0 && atBarrier > 0) {
            return "__syncthreads reached by " + std::to_string(atBarrier) + " of the " + std::to_string(n) + " threads of "
                    + where(b) + " while " + std::to_string(done) + " had returned: a barrier inside a branch that not every"
                    " thread takes (it would hang or misbehave on a GPU)";
        }
        return "deadlock in " + where(b) + ": threads wait at __syncthreads while others wait at a warp exchange";
    }
}

}  // namespace

void emu::installHooks(const EmuModule& m) {
    *m.sync = &sync;
    *m.shfl = &shfl;
}

std::string emu::runGrid(const EmuKernel& k, const EmuModule& m, void** args, EmuDim grid, EmuDim block) {
    int n = (int) (block.x * block.y * block.z);
    threads.assign(n, EmuThread{});
    for (int t = 0; t < n; t++) {
        threads[t].threadIdx = EmuDim{t % block.x, t / block.x % block.y, t / (block.x * block.y)};
        threads[t].blockDim = block;
        threads[t].gridDim = grid;
    }
    if (k.barrier && fibers.size() < (size_t) n) fibers.resize(n);
    kernel = &k;
    kernelArgs = args;
    fiberMode = k.barrier != 0;
    loopModeError.clear();
    unsigned long long blocks = (unsigned long long) grid.x * grid.y * grid.z;
    for (unsigned long long i = blocks; i-- > 0;) {
        EmuDim b{(unsigned) (i % grid.x), (unsigned) (i / grid.x % grid.y), (unsigned) (i / ((unsigned long long) grid.x * grid.y))};
        for (int t = 0; t < n; t++) threads[t].blockIdx = b;
        if (fiberMode) {
            std::string why = runBlockAsFibers(m, n);
            if (!why.empty()) return why;   // its stuck fibers are abandoned; their stacks are reused
        } else {
            for (int t = 0; t < n; t++) {
                *m.thread = &threads[t];
                k.invoke(args);
            }
        }
    }
    return loopModeError;
}

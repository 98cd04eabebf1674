// CUDA graphs by stream capture: while a thread captures, the work it queues is kept in a list
// instead of run; a launch of the instantiated graph queues that list again, in order. Copies
// from host memory read it when they run, as in CUDA, so a graph can take new parameters from
// pinned memory at each launch. Calls that would wait for the queue fail during a capture.
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "emu_internal.h"

namespace emu {
namespace {
struct Graph {
    std::vector<std::function<void()>> tasks;
};

struct Capture {
    void* stream;
    std::unique_ptr<Graph> graph;
    bool broken = false;   // something that cannot be captured was tried
};

thread_local Capture* capturing = nullptr;
}  // namespace

bool captureTask(std::function<void()>& task) {
    if (capturing == nullptr) return false;
    capturing->graph->tasks.push_back(std::move(task));
    return true;
}

int refuseWhileCapturing(const char* what) {
    if (capturing == nullptr) return SUCCESS;
    capturing->broken = true;
    return fail(STREAM_CAPTURE_UNSUPPORTED, std::string(what) + " waits for the GPU, which is not allowed while the stream is captured");
}
}  // namespace emu

using namespace emu;

EMU_EXPORT int cuStreamBeginCapture_v2(void* stream, int mode) {
    if (int rc = needContext()) return rc;
    if (stream == nullptr) return fail(STREAM_CAPTURE_UNSUPPORTED, "cuStreamBeginCapture: the legacy stream cannot be captured");
    if (capturing != nullptr) return fail(ILLEGAL_STATE, "cuStreamBeginCapture: this thread is already capturing");
    capturing = new Capture{stream, std::make_unique<Graph>()};
    return SUCCESS;
}

EMU_EXPORT int cuStreamEndCapture(void* stream, void** graph) {
    if (capturing == nullptr || capturing->stream != stream) return fail(ILLEGAL_STATE, "cuStreamEndCapture: the stream is not being captured");
    Capture* c = capturing;
    capturing = nullptr;
    bool broken = c->broken;
    *graph = broken ? nullptr : c->graph.release();
    delete c;
    return broken ? fail(STREAM_CAPTURE_INVALIDATED, "cuStreamEndCapture: the capture was invalidated by a call that is not allowed in it") : SUCCESS;
}

EMU_EXPORT int cuGraphInstantiateWithFlags(void** exec, void* graph, unsigned long long flags) {
    if (graph == nullptr) return fail(INVALID_VALUE, "cuGraphInstantiate: null graph");
    *exec = new Graph(*static_cast<Graph*>(graph));   // an executable copy: the graph may be destroyed
    return SUCCESS;
}

EMU_EXPORT int cuGraphLaunch(void* exec, void* stream) {
    if (int rc = needContext()) return rc;
    if (exec == nullptr) return fail(INVALID_VALUE, "cuGraphLaunch: null graph");
    for (const auto& task : static_cast<Graph*>(exec)->tasks) enqueue(task);
    return SUCCESS;
}

EMU_EXPORT int cuGraphExecDestroy(void* exec) {
    delete static_cast<Graph*>(exec);
    return SUCCESS;
}

EMU_EXPORT int cuGraphDestroy(void* graph) {
    delete static_cast<Graph*>(graph);
    return SUCCESS;
}

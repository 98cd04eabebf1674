// NVRTC for the emulated device: compiles CUDA C as C++ with g++ against emu_shim.h into a shared
// object whose kernel table the emulated driver loads. Two passes: a preprocess-only one lists
// the kernels (and whether they use barriers), then a compile of the source plus that table.
// g++'s diagnostics are rewritten in NVRTC's log format: name(line): error: message.
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "emu_internal.h"

#ifndef EAGER4J_EMU_CXX
#define EAGER4J_EMU_CXX "g++"
#endif

extern char** environ;

namespace {
enum Result { SUCCESS = 0, OUT_OF_MEMORY = 1, INVALID_INPUT = 3, INVALID_PROGRAM = 4, INVALID_OPTION = 5, COMPILATION = 6 };

struct Program {
    std::string source, name;
    std::vector<std::pair<std::string, std::string>> headers;   // include name, text
    std::string log, ptx;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return (bool) out;
}

// The folder of this library: its build put emu_shim.h and emu_abi.h beside it.
std::string shimDir() {
    Dl_info info;
    if (dladdr((void*) &shimDir, &info) == 0 || info.dli_fname == nullptr) return ".";
    std::string p = info.dli_fname;
    size_t slash = p.rfind('/');
    return slash == std::string::npos ? "." : p.substr(0, slash);
}

// Runs argv with stdout and stderr into `out`; the exit status, or -1 when it could not start.
int run(const std::vector<std::string>& argv, const std::string& out) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    // g++ in the C locale: plain quotes in its messages, whatever the user's language
    std::vector<std::string> envText;
    for (char** e = environ; *e != nullptr; e++) {
        if (strncmp(*e, "LC_ALL=", 7) != 0 && strncmp(*e, "LANG=", 5) != 0) envText.emplace_back(*e);
    }
    envText.emplace_back("LC_ALL=C");
    std::vector<char*> env;
    for (auto& e : envText) env.push_back(const_cast<char*>(e.c_str()));
    env.push_back(nullptr);
    pid_t pid;
    int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool isIdent(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Found {
    std::string name;
    bool barrier;
};

// Kernels in preprocessed text: "__eager4j_kernel__ void NAME(...) { body }".
std::vector<Found> scan(const std::string& text) {
    static const std::string MARK = "__eager4j_kernel__";
    std::vector<Found> kernels;
    std::vector<std::pair<size_t, size_t>> bodies;
    for (size_t at = text.find(MARK); at != std::string::npos; at = text.find(MARK, at + 1)) {
        size_t p = at + MARK.size();
        while (p < text.size() && (text[p] == ' ' || text[p] == '\n' || text[p] == '\t')) p++;
        if (text.compare(p, 4, "void") != 0) continue;
        p += 4;
        while (p < text.size() && !isIdent(text[p])) p++;
        size_t start = p;
        while (p < text.size() && isIdent(text[p])) p++;
        std::string name = text.substr(start, p - start);
        size_t open = text.find('{', p), semi = text.find(';', p);
        if (open == std::string::npos || (semi != std::string::npos && semi < open)) continue;   // a declaration
        int depth = 0;
        size_t end = open;
        for (; end < text.size(); end++) {
            if (text[end] == '{') depth++;
            if (text[end] == '}' && --depth == 0) break;
        }
        std::string body = text.substr(open, end - open);
        bool barrier = body.find("__syncthreads") != std::string::npos || body.find("__shfl") != std::string::npos
                || body.find("__syncwarp") != std::string::npos;
        kernels.push_back({name, barrier});
        bodies.emplace_back(open, end);
    }
    // A barrier in a __device__ helper: every kernel may reach it.
    std::string outside;
    size_t from = 0;
    for (auto& b : bodies) {
        outside += text.substr(from, b.first - from);
        from = b.second;
    }
    outside += text.substr(from);
    if (outside.find("__syncthreads") != std::string::npos || outside.find("__shfl") != std::string::npos
            || outside.find("__syncwarp") != std::string::npos) {
        for (auto& k : kernels) k.barrier = true;
    }
    return kernels;
}

// "path/file.cu:12:5: error: msg" -> "file.cu(12): error: msg" plus the source line, as NVRTC logs.
std::string nvrtcLog(const std::string& gcc, const std::string& dir, const Program& p, int* errors) {
    std::istringstream in(gcc);
    std::string line, out;
    *errors = 0;
    while (std::getline(in, line)) {
        if (line.compare(0, dir.size() + 1, dir + "/") == 0) line = line.substr(dir.size() + 1);
        size_t c1 = line.find(':');
        if (c1 == std::string::npos) continue;
        size_t c2 = line.find(':', c1 + 1), c3 = c2 == std::string::npos ? c2 : line.find(':', c2 + 1);
        if (c3 == std::string::npos) continue;
        std::string file = line.substr(0, c1), lineNo = line.substr(c1 + 1, c2 - c1 - 1);
        std::string rest = line.substr(c3 + 1);
        if (lineNo.empty() || lineNo.find_first_not_of("0123456789") != std::string::npos) continue;
        bool error = rest.compare(0, 7, " error:") == 0 || rest.compare(0, 13, " fatal error:") == 0;
        if (!error && rest.compare(0, 9, " warning:") != 0) continue;
        if (file == "wrapper.cpp") file = p.name;
        if (error) ++*errors;
        std::string message = rest.substr(rest.find(':') + 1);
        out += file + "(" + lineNo + "):" + (error ? " error:" : " warning:") + message + "\n";
        const std::string* text = file == p.name ? &p.source : nullptr;
        for (auto& h : p.headers) if (h.first == file) text = &h.second;
        if (text != nullptr) {
            std::istringstream src(*text);
            std::string s;
            for (long n = std::stol(lineNo); n > 0 && std::getline(src, s); n--) {}
            out += "  " + s + "\n\n";
        }
    }
    if (*errors == 0 && !gcc.empty()) out += gcc;   // not a diagnostic we know: pass it on
    out += std::to_string(*errors > 0 ? *errors : 1) + (*errors <= 1 ? " error" : " errors")
            + " detected in the compilation of \"" + p.name + "\".\n";
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0, line = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = (unsigned char) bytes[i] << 16 | (unsigned char) bytes[i + 1] << 8 | (unsigned char) bytes[i + 2];
        out += A[v >> 18];
        out += A[v >> 12 & 63];
        out += A[v >> 6 & 63];
        out += A[v & 63];
        if (++line % 19 == 0) out += '\n';
    }
    if (i < bytes.size()) {
        unsigned v = (unsigned char) bytes[i] << 16 | (i + 1 < bytes.size() ? (unsigned char) bytes[i + 1] << 8 : 0);
        out += A[v >> 18];
        out += A[v >> 12 & 63];
        out += i + 1 < bytes.size() ? A[v >> 6 & 63] : '=';
        out += '=';
    }
    return out + "\n";
}

int compile(Program& p, const std::vector<std::string>& options) {
    std::string arch = "compute_90";
    bool contract = false;
    std::vector<std::string> defines;
    for (auto& o : options) {
        if (o.rfind("--gpu-architecture=", 0) == 0 || o.rfind("-arch=", 0) == 0) {
            arch = o.substr(o.find('=') + 1);
            if (arch.rfind("compute_", 0) != 0 && arch.rfind("sm_", 0) != 0) {
                p.log = "nvrtc: error: invalid value for --gpu-architecture (-arch)\n";
                return INVALID_OPTION;
            }
        } else if (o == "--fmad=false" || o == "-fmad=false") {
            contract = false;
        } else if (o == "--fmad=true" || o == "-fmad=true") {
            contract = true;
        } else if (o.rfind("-D", 0) == 0 || o.rfind("--define-macro=", 0) == 0) {
            defines.push_back("-D" + o.substr(o[1] == 'D' ? 2 : 15));
        } else if (o == "-default-device" || o == "--device-as-default-execution-space" || o.rfind("-std=", 0) == 0
                || o.rfind("--std=", 0) == 0 || o == "-lineinfo" || o == "-G" || o == "--use_fast_math") {
            // no meaning on the CPU
        } else {
            p.log = "nvrtc: error: unrecognized option " + o + "\n";
            return INVALID_OPTION;
        }
    }
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/eager4j-nvrtc-XXXXXX";
    std::vector<char> dirBuf(pattern.begin(), pattern.end());
    dirBuf.push_back(0);
    if (mkdtemp(dirBuf.data()) == nullptr) {
        p.log = "nvrtc (emulated): cannot make a temporary folder like " + pattern + "\n";
        return OUT_OF_MEMORY;
    }
    std::string dir = dirBuf.data(), shim = shimDir();
    bool ok = writeFile(dir + "/" + p.name, p.source);
    for (auto& h : p.headers) ok = ok && writeFile(dir + "/" + h.first, h.second);
    std::vector<std::string> common = {EAGER4J_EMU_CXX, "-std=c++17", "-I" + shim, "-I" + dir, "-include", shim + "/emu_shim.h"};
    common.insert(common.end(), defines.begin(), defines.end());
    std::vector<std::string> scanArgs = common;
    scanArgs.insert(scanArgs.end(), {"-DEAGER4J_SCAN", "-E", "-P", "-o", dir + "/scan.i", "-x", "c++", dir + "/" + p.name});
    int rc = ok ? run(scanArgs, dir + "/scan.log") : -1;
    std::vector<Found> kernels;
    if (rc == 0) {
        kernels = scan(readFile(dir + "/scan.i"));
        std::string w = "#include \"" + p.name + "\"\nextern \"C\" {\nEmuThread* eager4j_emu_thread;\nvoid (*eager4j_emu_sync)(void);\n"
                        "unsigned long long (*eager4j_emu_shfl)(unsigned long long, int, int, int);\n}\n"
                        "static const EmuKernel eager4j_emu_table[] = {\n";
        for (auto& k : kernels) {
            w += "  {\"" + k.name + "\", EmuSignature<decltype(&" + k.name + ")>::count, EmuSignature<decltype(&" + k.name
                    + ")>::sizes, EmuSignature<decltype(&" + k.name + ")>::pointer, " + (k.barrier ? "1" : "0")
                    + ", &emu_invoke<&" + k.name + ">},\n";
        }
        w += "  {nullptr, 0, nullptr, nullptr, 0, nullptr}\n};\nextern \"C\" __attribute__((visibility(\"default\"))) const EmuModule"
             " eager4j_emu_module = {EMU_ABI_VERSION, " + std::to_string(kernels.size()) + ", eager4j_emu_table,"
             " &eager4j_emu_thread, &eager4j_emu_sync, &eager4j_emu_shfl};\n";
        writeFile(dir + "/wrapper.cpp", w);
        std::vector<std::string> cc = common;
        cc.insert(cc.end(), {"-O2", "-fPIC", "-shared", "-fno-strict-aliasing", "-fvisibility=hidden",
                             contract ? "-ffp-contract=fast" : "-ffp-contract=off", "-o", dir + "/module.so", dir + "/wrapper.cpp"});
        rc = run(cc, dir + "/cc.log");
    }
    std::string gcc = readFile(dir + (kernels.empty() && rc != 0 ? "/scan.log" : "/cc.log"));
    if (rc == -1 && !ok) gcc = "nvrtc (emulated): cannot write the sources to " + dir + "\n";
    else if (rc == -1) gcc = "nvrtc (emulated): cannot run " EAGER4J_EMU_CXX " (install g++)\n";
    int result = SUCCESS;
    if (rc != 0) {
        int errors;
        p.log = nvrtcLog(gcc, dir, p, &errors);
        result = COMPILATION;
    } else {
        p.log.clear();
        p.ptx = "// eager4j emulated module for " + arch + ": an x86-64 shared object, not PTX\n.base64\n"
                + base64(readFile(dir + "/module.so"));
    }
    if (getenv("EAGER4J_EMU_KEEP") != nullptr) return result;   // for debugging the emulator: keep its files
    for (const char* f : {"/scan.i", "/scan.log", "/cc.log", "/wrapper.cpp", "/module.so"}) unlink((dir + f).c_str());
    unlink((dir + "/" + p.name).c_str());
    for (auto& h : p.headers) unlink((dir + "/" + h.first).c_str());
    rmdir(dir.c_str());
    return result;
}

std::string baseName(const char* name) {
    std::string n = name != nullptr && *name ? name : "default_program";
    size_t slash = n.rfind('/');
    return slash == std::string::npos ? n : n.substr(slash + 1);
}
}  // namespace

EMU_EXPORT int nvrtcCreateProgram(void** prog, const char* src, const char* name, int numHeaders, const char* const* headers,
                                  const char* const* includeNames) {
    if (prog == nullptr || src == nullptr || numHeaders < 0) return INVALID_INPUT;
    auto* p = new Program;
    p->source = src;
    p->name = baseName(name);
    for (int i = 0; i < numHeaders; i++) p->headers.emplace_back(baseName(includeNames[i]), headers[i]);
    *prog = p;
    return SUCCESS;
}

EMU_EXPORT int nvrtcCompileProgram(void* prog, int numOptions, const char* const* options) {
    if (prog == nullptr) return INVALID_PROGRAM;
    std::vector<std::string> opts;
    for (int i = 0; i < numOptions; i++) opts.emplace_back(options[i]);
    return compile(*static_cast<Program*>(prog), opts);
}

EMU_EXPORT int nvrtcGetPTXSize(void* prog, size_t* size) {
    if (prog == nullptr) return INVALID_PROGRAM;
    *size = static_cast<Program*>(prog)->ptx.size() + 1;
    return SUCCESS;
}

EMU_EXPORT int nvrtcGetPTX(void* prog, char* ptx) {
    if (prog == nullptr) return INVALID_PROGRAM;
    auto& s = static_cast<Program*>(prog)->ptx;
    memcpy(ptx, s.c_str(), s.size() + 1);
    return SUCCESS;
}

EMU_EXPORT int nvrtcGetProgramLogSize(void* prog, size_t* size) {
    if (prog == nullptr) return INVALID_PROGRAM;
    *size = static_cast<Program*>(prog)->log.size() + 1;
    return SUCCESS;
}

EMU_EXPORT int nvrtcGetProgramLog(void* prog, char* log) {
    if (prog == nullptr) return INVALID_PROGRAM;
    auto& s = static_cast<Program*>(prog)->log;
    memcpy(log, s.c_str(), s.size() + 1);
    return SUCCESS;
}

EMU_EXPORT int nvrtcDestroyProgram(void** prog) {
    if (prog == nullptr || *prog == nullptr) return INVALID_PROGRAM;
    delete static_cast<Program*>(*prog);
    *prog = nullptr;
    return SUCCESS;
}

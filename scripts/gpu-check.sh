#!/usr/bin/env bash
# The GPU check, for a host with the NVIDIA driver, the CUDA 13 libraries and PyTorch, but no JDK
# and no network. Run from the repository root with the bundle from scripts/make-gpu-bundle.sh
# (dist/gpu-bundle.tar.gz, unpacked here if needed). A few minutes; at most 13 (each step has a timeout):
#   1. the cuda module's GPU comparison tests, every primitive and gradient against the reference
#      (EAGER4J_REQUIRE_GPU=1: a GPU that cannot be opened fails them instead of skipping);
#   2. bin/eager4j train-mnist --device gpu:0 --seed 1: test accuracy within 0.002 of the CPU's, same seed;
#      then with --trace (a CUDA graph per step): the same test accuracy as the eager gpu:0 run;
#   3. the same seed program in PyTorch on CUDA; then both steps/s side by side.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bundle=${EAGER4J_BUNDLE:-dist/gpu-bundle}
if [ ! -d "$bundle" ]; then
  [ -f dist/gpu-bundle.tar.gz ] || { echo "gpu-check: no $bundle and no dist/gpu-bundle.tar.gz; run scripts/make-gpu-bundle.sh on a machine with a JDK" >&2; exit 1; }
  tar -xzf dist/gpu-bundle.tar.gz -C dist
  bundle=dist/gpu-bundle
fi
java="$bundle/runtime/bin/java"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m)
python=${PYTHON:-python3}
logs=$(mktemp -d)
failed=0

# libnvrtc and libcublas: wherever the toolkit or PyTorch's wheels put them, unless the loader knows already
extra=""
for d in /usr/local/cuda/lib64 /usr/local/cuda-13*/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  [ -d "$d" ] && extra="$extra:$d"
done
wheels=$("$python" - <<'PY' 2>/dev/null || true
import glob, os
try:
    import nvidia
    for p in nvidia.__path__:
        print(":".join(sorted(glob.glob(os.path.join(p, "*", "lib")))))
except Exception:
    pass
PY
)
[ -n "$wheels" ] && extra="$extra:$wheels"
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}$extra"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
fi

core_jars=("$bundle"/lib/eager4j-core-*.jar)
core_jar=${core_jars[0]}
cuda_jars=("$bundle"/lib/eager4j-cuda-[0-9]*.jar)
cuda_jar=${cuda_jars[0]}
echo "== 1/3 GPU comparison tests (cuda module, every primitive and gradient against the reference)"
if ! EAGER4J_REQUIRE_GPU=1 timeout 210 "$java" "${flags[@]}" -Deager4j.cpu=reference \
    -jar "$bundle/lib/junit-platform-console-standalone.jar" execute --disable-banner --details=summary \
    --details-theme=ascii --class-path "$bundle/lib/eager4j-cuda-tests.jar:$cuda_jar:$core_jar" \
    --select-package io.eager4j.cuda --fail-if-no-tests 2>&1 | tee "$logs/tests.txt"; then
  echo "gpu-check: GPU comparison tests FAILED (see above)"
  failed=1
fi

echo "== 2/3 eager4j train-mnist --device gpu:0, then the same seed on the CPU"
if timeout 150 "$java" "${flags[@]}" -cp "$bundle/lib/*" io.eager4j.cli.Main train-mnist --device gpu:0 --seed 1 \
    --data-dir "$bundle/mnist" 2>&1 | tee "$logs/eager4j.txt"; then :; else
  echo "gpu-check: train-mnist on gpu:0 FAILED"
  failed=1
fi
timeout 150 "$java" "${flags[@]}" -cp "$bundle/lib/*" io.eager4j.cli.Main train-mnist --seed 1 \
    --data-dir "$bundle/mnist" > "$logs/cpu.txt" 2>&1 || true
timeout 150 "$java" "${flags[@]}" -cp "$bundle/lib/*" io.eager4j.cli.Main train-mnist --device gpu:0 --seed 1 --trace \
    --data-dir "$bundle/mnist" > "$logs/traced.txt" 2>&1 || true
cat "$logs/traced.txt"
e_acc=$(sed -n 's/^test accuracy = \([0-9.]*\).*/\1/p' "$logs/eager4j.txt" | tail -n 1)
r_acc=$(sed -n 's/^test accuracy = \([0-9.]*\).*/\1/p' "$logs/traced.txt" | tail -n 1)
r_sps=$(sed -n 's/.*steps, \([0-9.]*\) steps\/s.*/\1/p' "$logs/traced.txt" | tail -n 1)
if [ -z "$r_acc" ] || [ "$r_acc" != "${e_acc:-none}" ]; then
  echo "gpu-check: --trace on gpu:0 gave test accuracy '${r_acc:-none}', the eager gpu:0 run '${e_acc:-none}': a replay must give the same bits"
  failed=1
fi
c_acc=$(sed -n 's/^test accuracy = \([0-9.]*\).*/\1/p' "$logs/cpu.txt" | tail -n 1)
e_sps=$(sed -n 's/.*steps, \([0-9.]*\) steps\/s.*/\1/p' "$logs/eager4j.txt" | tail -n 1)
# float32 rounding differs between the devices, so one seed's accuracy moves by a few 1e-4: the GPU
# must match the CPU's (same seed, same dropout masks) within 0.002, and stay above 0.97
echo "test accuracy, seed 1: gpu:0 ${e_acc:-none}, cpu ${c_acc:-none}"
if [ -z "$e_acc" ] || [ -z "$c_acc" ] || ! awk -v g="$e_acc" -v c="$c_acc" 'BEGIN { d = g - c; if (d < 0) d = -d; exit !(d <= 0.002 && g >= 0.97) }'; then
  echo "gpu-check: eager4j's gpu:0 test accuracy '${e_acc:-none}' is not within 0.002 of the CPU's '${c_acc:-none}' (or is below 0.97)"
  failed=1
fi

echo "== 3/3 PyTorch seed program on cuda"
if timeout 120 "$python" bench/gpu/torch_seed_gpu.py --data-dir "$bundle/mnist" 2>&1 | tee "$logs/torch.txt"; then :; else
  echo "gpu-check: the PyTorch run FAILED"
  failed=1
fi
t_json=$(sed -n 's/^RESULT //p' "$logs/torch.txt" | tail -n 1)
t_sps=$(printf '%s' "$t_json" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["steps_per_s"])' 2>/dev/null || echo "?")
t_acc=$(printf '%s' "$t_json" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["test_acc"])' 2>/dev/null || echo "?")

echo
echo "== seed program, 3000 steps of 128, on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1 || echo 'the GPU')"
printf '%-16s %18s %18s %18s\n' "" "eager4j gpu:0" "--trace gpu:0" "PyTorch cuda"
printf '%-16s %18s %18s %18s\n' "steps/s" "${e_sps:-?}" "${r_sps:-?}" "$t_sps"
printf '%-16s %18s %18s %18s\n' "test accuracy" "${e_acc:-?}" "${r_acc:-?}" "$t_acc"
grep -E "tests (successful|failed|skipped|aborted)" "$logs/tests.txt" || true
[ "$failed" -eq 0 ] && echo "gpu-check: PASSED" || echo "gpu-check: FAILED"
exit "$failed"

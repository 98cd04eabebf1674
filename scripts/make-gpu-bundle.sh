#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a GPU host that has no JDK and no network:
# a jlinked Java runtime, the CLI's jars (minus the CPU-only OpenBLAS jar), the CUDA module and
# its test jar, the JUnit console launcher and the four MNIST files. Output: dist/gpu-bundle.tar.gz
#
#   EAGER4J_DATA=/path/to/mnist scripts/make-gpu-bundle.sh
# Then, on the GPU host, from a checkout of the same commit:
#   tar -xzf dist/gpu-bundle.tar.gz -C dist && scripts/gpu-check.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=bin/jdk25.sh
. bin/jdk25.sh   # sets JAVA_HOME to a JDK 25 (jlink and jdeps come with it)

data=${EAGER4J_DATA:-}
mnist_files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
for f in "${mnist_files[@]}"; do
  [ -f "$data/$f" ] || { echo "make-gpu-bundle: $f not found in EAGER4J_DATA='$data'; point EAGER4J_DATA at the MNIST folder" >&2; exit 1; }
done

echo "== building the jars (tests run by gpu-check.sh on the GPU host)"
bin/mvn -q -DskipTests -pl core,data,cli,cuda -am package

junit_version=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)
out=dist/gpu-bundle
rm -rf "$out" dist/gpu-bundle.tar.gz
mkdir -p "$out/lib" "$out/mnist"

echo "== fetching the JUnit console launcher $junit_version"
bin/mvn -q -N dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
  -DoutputDirectory="$root/$out/lib" -Dmdep.stripVersion=true

find cli/target -maxdepth 1 -name 'eager4j-cli-*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar' -exec cp {} "$out/lib/" \;
# the CLI's runtime class path already holds eager4j-cuda (a runtime dependency of cli)
find cli/target/lib -name '*.jar' ! -name 'openblas-*' -exec cp {} "$out/lib/" \;
cp cuda/target/eager4j-cuda-*-tests.jar "$out/lib/eager4j-cuda-tests.jar"
for f in "${mnist_files[@]}"; do cp "$data/$f" "$out/mnist/"; done

echo "== jlink"
# what the jars need, plus the Vector API the CPU kernels use (loaded reflectively, so jdeps misses it)
# (jdeps prints warnings first; the module list is its last line)
mods=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$out"/lib/*.jar 2>/dev/null | tail -n 1)
# minus jdk.jshell (with jdk.compiler, about 25 MB): only the CLI's `shell` command uses it, not train-mnist
mods=$(printf '%s' "$mods" | tr ',' '\n' | grep -vx 'jdk.jshell' | paste -sd, -)
mods="$mods,jdk.incubator.vector,java.logging,jdk.zipfs"
echo "modules: $mods"
"$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
  --compress zip-6 --output "$out/runtime"

tar -czf dist/gpu-bundle.tar.gz -C dist gpu-bundle
size=$(stat -c %s dist/gpu-bundle.tar.gz)
echo "== dist/gpu-bundle.tar.gz: $((size / 1048576)) MiB ($size bytes)"
if [ "$size" -ge $((60 * 1048576)) ]; then
  echo "make-gpu-bundle: the bundle is over 60 MiB; leave out what gpu-check.sh does not need" >&2
  exit 1
fi

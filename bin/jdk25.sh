# Sourced by bin/mvn and bin/eager4j: sets JAVA_HOME to a JDK 25 or exits with what to install.
eager4j_is_jdk25() {
  [ -x "$1/bin/java" ] || return 1
  "$1/bin/java" -version 2>&1 | head -n 1 | grep -qE 'version "25([."]|-)'
}
eager4j_find_jdk25() {
  local c
  for c in "${EAGER4J_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-* \
           /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25* /opt/java/openjdk /opt/jdk-25* "$HOME"/.sdkman/candidates/java/25* \
           /Library/Java/JavaVirtualMachines/*25*/Contents/Home; do
    [ -n "$c" ] && eager4j_is_jdk25 "$c" && { printf '%s\n' "$c"; return 0; }
  done
  if command -v java >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    eager4j_is_jdk25 "$c" && { printf '%s\n' "$c"; return 0; }
  fi
  return 1
}
if ! JAVA_HOME=$(eager4j_find_jdk25); then
  echo "eager4j: no JDK 25 found (looked at \$EAGER4J_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/*25*, the java on PATH)." >&2
  echo "eager4j: install one (e.g. Temurin 25: apt-get install temurin-25-jdk) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# Sourced by ./mlapi and ./mvnw: exports JAVA_HOME as a JDK 21 or newer.
# $JAVA_HOME wins when it is one; otherwise the newest JDK under /usr/lib/jvm (the machine's
# default java may be older, e.g. Debian 12's OpenJDK 17). POSIX sh, because mvnw is.

mlapi_java_major() {
  # The JDK's own release file says its version without starting a JVM.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

mlapi_find_java_home() {
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(mlapi_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  best=""
  best_major=0
  for candidate in /usr/lib/jvm/*; do
    [ -L "$candidate" ] && continue
    major=$(mlapi_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate
      best_major=$major
    fi
  done
  [ -n "$best" ] && echo "$best"
}

if mlapi_java_home=$(mlapi_find_java_home) && [ -n "$mlapi_java_home" ]; then
  JAVA_HOME=$mlapi_java_home
  export JAVA_HOME
else
  echo "mlapi needs a JDK 21 or newer: set JAVA_HOME to one, or install one under /usr/lib/jvm" \
    "(JAVA_HOME=${JAVA_HOME:-unset}; /usr/lib/jvm has no JDK 21+)." >&2
  return 1 2>/dev/null || exit 1
fi

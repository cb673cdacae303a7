# Sourced by the scripts: picks a JDK 21+ for Maven and for the processes we start.
# A fresh machine's default `java` may be 17; a newer JDK usually sits beside it under /usr/lib/jvm.
appcare_java_major() { # prints the major version of the java at $1/bin/java
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
appcare_pick_jdk() {
  local candidate major best="" best_major=0
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* 2>/dev/null); do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(appcare_java_major "$candidate")
    major=${major%%.*}
    [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null || continue
    # An explicit JAVA_HOME that is new enough wins; otherwise the newest found.
    if [ "$candidate" = "${JAVA_HOME:-}" ]; then best=$candidate; break; fi
    if [ "$major" -gt "$best_major" ]; then best=$candidate; best_major=$major; fi
  done
  if [ -z "$best" ]; then
    echo "AppCare needs a JDK 21 or newer (found none in JAVA_HOME or /usr/lib/jvm)." >&2
    echo "Install one (e.g. Temurin 21/25) and set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven 3.8's bundled Guava calls sun.misc.Unsafe; JDK 24+ warns about it on every run.
  if [ "$(appcare_java_major "$best" | cut -d. -f1)" -ge 24 ] && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
appcare_pick_jdk

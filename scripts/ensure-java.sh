#!/usr/bin/env bash
# Make sure a Java runtime ≥ 17 is on the PATH for Spark (PySpark 4 needs Java 17 or 21). Uses the machine's java
# where it is new enough; otherwise installs Debian's openjdk-17-jre-headless. The Spark tests are never skipped.
set -euo pipefail
major() { java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }
if command -v java >/dev/null && [ "$(major)" -ge 17 ]; then
  exit 0
fi
echo "No Java ≥ 17 on the PATH — installing Debian's openjdk-17-jre-headless"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
[ "$(major)" -ge 17 ] || { echo "java on the PATH is still older than 17: set JAVA_HOME / PATH to a Java 17" >&2; exit 1; }

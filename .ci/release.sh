#!/usr/bin/env bash
# A release of the agent: dist/cairn-agent-<version>.jar and its SHA-256 (sha256sum's format),
# the version being what the jar itself reports (`java -jar agent.jar version`). Publish both
# (a GitLab release, a generic package, a web folder) and point CAIRN_AGENT_JAR at the jar's URL,
# or build the CI image from them (ci/Containerfile). See docs/deployment.md.
#
#   .ci/release.sh                  build agent.jar with Maven (tests skipped), then release it
#   .ci/release.sh --jar FILE       release a jar built before (CI builds and tests it first)
#   --out DIR                       where the release goes (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."

jar=""
out=dist
while (($#)); do
  case "$1" in
    --jar) jar=${2:?--jar needs a file}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    *) echo "release: unknown argument '$1'; use --jar FILE and --out DIR" >&2; exit 2 ;;
  esac
done
if [[ -z "$jar" ]]; then
  mvn -B -q -DskipTests package
  jar=agent/target/agent.jar
fi
if [[ ! -s "$jar" ]]; then
  echo "release: $jar does not exist; build it with mvn -B -DskipTests package" >&2
  exit 2
fi
reported=$(java -jar "$jar" version)
version=${reported##* }
if [[ ! "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]]; then
  echo "release: $jar reports its version as '$reported'; expected 'cairn agent <version>'" >&2
  exit 2
fi
mkdir -p "$out"
name=cairn-agent-$version.jar
cp "$jar" "$out/$name.tmp"
mv "$out/$name.tmp" "$out/$name"
(cd "$out" && sha256sum "$name" > "$name.sha256")
echo "$out/$name"
echo "$out/$name.sha256"

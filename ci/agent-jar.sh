# Sourced by the pipeline's jobs: sets CAIRN_JAR to an agent.jar.
#   CAIRN_AGENT_JAR=/path/agent.jar     use it
#   CAIRN_AGENT_JAR=https://.../agent.jar download it
#   CAIRN_AGENT_JAR empty               the image's jar (CAIRN_IMAGE_JAR, ci/Containerfile), else
#                                       build it with Maven when this repository holds Cairn's sources
# The jar itself is not cached between jobs, so a changed URL or agent is never served stale;
# Maven's downloads are (.cairn/m2/).
set -e
mkdir -p .cairn/bin
case "${CAIRN_AGENT_JAR:-}" in
  http://* | https://*)
    curl -fsSL --retry 3 -o .cairn/bin/agent.jar.tmp "$CAIRN_AGENT_JAR"
    mv .cairn/bin/agent.jar.tmp .cairn/bin/agent.jar
    CAIRN_JAR=$PWD/.cairn/bin/agent.jar
    ;;
  "")
    if [ -n "${CAIRN_IMAGE_JAR:-}" ] && [ -s "$CAIRN_IMAGE_JAR" ]; then
      # the pipeline's image carries a released agent.jar (ci/Containerfile)
      CAIRN_JAR=$CAIRN_IMAGE_JAR
    else
      if [ ! -f pom.xml ] || [ ! -d agent ]; then
        echo "cairn: set CAIRN_AGENT_JAR to the path or URL of agent.jar, or use the CI image of ci/Containerfile (this repository has no Cairn sources to build)" >&2
        exit 2
      fi
      if ! command -v mvn >/dev/null 2>&1; then
        echo "cairn: CAIRN_AGENT_JAR is empty and this image has no mvn to build agent.jar; use an image with Maven (maven:3.9-eclipse-temurin-17) or set CAIRN_AGENT_JAR to the jar's path or URL" >&2
        exit 2
      fi
      mvn -B -q -DskipTests -Dmaven.repo.local="$PWD/.cairn/m2" package
      cp agent/target/agent.jar .cairn/bin/agent.jar
      CAIRN_JAR=$PWD/.cairn/bin/agent.jar
    fi
    ;;
  *)
    if [ ! -s "$CAIRN_AGENT_JAR" ]; then
      echo "cairn: CAIRN_AGENT_JAR=$CAIRN_AGENT_JAR does not exist on this runner" >&2
      exit 2
    fi
    CAIRN_JAR=$CAIRN_AGENT_JAR
    ;;
esac
export CAIRN_JAR
echo "cairn: using $CAIRN_JAR"

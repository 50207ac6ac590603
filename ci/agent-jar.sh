# Sourced by the pipeline's jobs: sets CAIRN_JAR to an agent.jar.
#   CAIRN_AGENT_JAR=/path/agent.jar     use it
#   CAIRN_AGENT_JAR=https://.../agent.jar download it once into .cairn/ (cached between jobs)
#   CAIRN_AGENT_JAR empty               build it with Maven when this repository holds Cairn's sources
set -e
mkdir -p .cairn
case "${CAIRN_AGENT_JAR:-}" in
  http://* | https://*)
    if [ ! -s .cairn/agent.jar ]; then
      curl -fsSL --retry 3 -o .cairn/agent.jar.tmp "$CAIRN_AGENT_JAR"
      mv .cairn/agent.jar.tmp .cairn/agent.jar
    fi
    CAIRN_JAR=$PWD/.cairn/agent.jar
    ;;
  "")
    if [ ! -f pom.xml ] || [ ! -d agent ]; then
      echo "cairn: set CAIRN_AGENT_JAR to the path or URL of agent.jar (this repository has no Cairn sources to build)" >&2
      exit 2
    fi
    if [ ! -s .cairn/agent.jar ]; then
      mvn -B -q -DskipTests -Dmaven.repo.local="$PWD/.cairn/m2" package
      cp agent/target/agent.jar .cairn/agent.jar
    fi
    CAIRN_JAR=$PWD/.cairn/agent.jar
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

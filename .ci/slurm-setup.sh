#!/usr/bin/env bash
# Brings up a single-node SLURM (slurmctld + slurmd + munge) for the integration tests.
# Idempotent: installs what is missing, rewrites the config, starts what is not running.
#   .ci/slurm-setup.sh          set up and start, wait until the node is idle
#   .ci/slurm-setup.sh --stop   stop slurmd and slurmctld (munged is left running)
set -euo pipefail

BASE=${CAIRN_SLURM_DIR:-/var/tmp/cairn-slurm}
CONF=/etc/slurm/slurm.conf
MIN_JOB_AGE=${CAIRN_SLURM_MIN_JOB_AGE:-60}
# a requeued job waits cred_expire + 1 s before it may start again (SLURM default 120 s)
CRED_EXPIRE=${CAIRN_SLURM_CRED_EXPIRE:-10}

if [[ $(id -u) -ne 0 ]]; then
  echo "slurm-setup: needs root to install and run slurmctld/slurmd; skipped" >&2
  exit 2
fi

stop_daemons() {
  local name pid
  for name in slurmd slurmctld; do
    if [[ -f $BASE/run/$name.pid ]]; then
      pid=$(cat "$BASE/run/$name.pid")
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      fi
      rm -f "$BASE/run/$name.pid"
    fi
  done
}

if [[ ${1:-} == --stop ]]; then
  stop_daemons
  echo "slurm-setup: slurmd and slurmctld stopped"
  exit 0
fi

missing=()
for cmd in slurmctld slurmd sbatch munged mungekey; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# munge: a key, then the daemon
if [[ ! -s /etc/munge/munge.key ]]; then
  mkdir -p /etc/munge
  mungekey -c -f -k /etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key 2>/dev/null || true
chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
# The daemons outlive this script: they must not inherit the caller's descriptors above 2 (a
# `flock LOCK .ci/slurm-setup.sh` would otherwise stay locked for as long as munged runs).
daemon() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2 && fd != 255)); then eval "exec $fd>&-"; fi
    done 2>/dev/null
    exec "$@"
  )
}
if ! pgrep -x munged >/dev/null; then
  if id munge >/dev/null 2>&1; then
    daemon runuser -u munge -- munged --force
  else
    daemon munged --force
  fi
fi

host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
real_mem=$((mem_mb > 8192 ? 4096 : mem_mb / 2))
mkdir -p "$BASE"/{state,spool,log,run} /etc/slurm

new_conf=$(cat <<CONF
# written by .ci/slurm-setup.sh: a single-node cluster for tests
ClusterName=cairn
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=cred_expire=$CRED_EXPIRE
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=5
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ReturnToService=2
MinJobAge=$MIN_JOB_AGE
KillWait=5
InactiveLimit=0
SlurmdTimeout=30
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
NodeName=$host CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=low Nodes=$host Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=high Nodes=$host Default=NO MaxTime=INFINITE State=UP PriorityTier=10
CONF
)
if [[ ! -f $CONF ]] || [[ $(cat "$CONF") != "$new_conf" ]]; then
  printf '%s\n' "$new_conf" >"$CONF"
  # a changed config needs fresh daemons
  stop_daemons
fi

running() { [[ -f $BASE/run/$1.pid ]] && kill -0 "$(cat "$BASE/run/$1.pid")" 2>/dev/null; }
# a test that stops slurmctld on purpose leaves this marker; another test run must not restart it
paused=$BASE/run/controller-paused
for _ in $(seq 1 120); do
  [[ -f $paused ]] && [[ -n $(find "$paused" -mmin -3) ]] || break
  sleep 1
done
rm -f "$paused"
running slurmctld || daemon slurmctld
running slurmd || daemon slurmd

for _ in $(seq 1 60); do
  state=$(sinfo --noheader --nodes="$host" --format=%T 2>/dev/null | head -n1 || true)
  case $state in
    idle | mixed | allocated)
      echo "slurm-setup: node $host $state, $cpus CPUs, ${real_mem} MB, partitions low (default) and high, MinJobAge=${MIN_JOB_AGE}s, requeue delay $((CRED_EXPIRE + 1))s, logs in $BASE/log"
      exit 0
      ;;
    down* | drain*)
      scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
      ;;
  esac
  sleep 0.5
done
echo "slurm-setup: node $host not idle after 30 s (state '${state:-unknown}'); see $BASE/log" >&2
exit 1

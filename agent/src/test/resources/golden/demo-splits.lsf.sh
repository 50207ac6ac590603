#!/bin/bash
#BSUB -J cairn-20261125-golden-splits-3f9a2c1d4e5b-a1-biomass-prithvi_eo_v2_600-s42-b8-e4-spfold1-a1
#BSUB -o /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/biomass-prithvi_eo_v2_600-s42-b8-e4-spfold1.out
#BSUB -e /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/biomass-prithvi_eo_v2_600-s42-b8-e4-spfold1.err
#BSUB -W 0:45
#BSUB -n 2
#BSUB -R "span[hosts=1] rusage[mem=3072MB]"
#BSUB -gpu "num=1"
# Rendered by Cairn test for run 20261125-golden-splits-3f9a2c1d4e5b-a1, task biomass, attempt 1.
# Config commit 3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b. Every value below is shell-quoted; edit templates/, not this file.
set -euo pipefail
export CAIRN_RUN_ID=20261125-golden-splits-3f9a2c1d4e5b-a1
export CAIRN_TASK=biomass
export CAIRN_ATTEMPT=1
export CAIRN_STAGE=all
export CAIRN_OUTPUT_DIR=/scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/biomass-prithvi_eo_v2_600-s42-b8-e4-spfold1
export CAIRN_CHECKPOINT_DIR=/scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass-prithvi_eo_v2_600-s42-b8-e4-spfold1
export CAIRN_GEOFM=prithvi_eo_v2_600
export CAIRN_EPOCHS=4
export CAIRN_BATCH_SIZE=8
export CAIRN_NUM_WORKERS=2
export CAIRN_LEARNING_RATE=''
export CAIRN_SEED=42
export CAIRN_DATASET_PATH=''
mkdir -p "$CAIRN_OUTPUT_DIR" "$CAIRN_CHECKPOINT_DIR"
# The scheduler's id of this very job, as the agent knows it: an array element is <array>_<index>
# on SLURM and <array>[<index>] on LSF; a local job is its spool folder.
if [ -n "${LSB_JOBID:-}" ] && [ "${LSB_JOBINDEX:-0}" != 0 ]; then
  CAIRN_JOB_ID="${LSB_JOBID}[${LSB_JOBINDEX}]"
elif [ -n "${LSB_JOBID:-}" ]; then
  CAIRN_JOB_ID="$LSB_JOBID"
else
  CAIRN_JOB_ID="${CAIRN_LOCAL_JOB:-}"
  CAIRN_JOB_ID="${CAIRN_JOB_ID##*/}"
fi
CAIRN_EXIT_FILE="$CAIRN_OUTPUT_DIR/exit.json"
rm -f "$CAIRN_EXIT_FILE"
cd /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1

echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} attempt ${CAIRN_ATTEMPT} on $(hostname -s)"

# Stop requests. The scheduler warns the batch shell before the time limit (SLURM
# --signal=B:USR1@<s>) and sends TERM when it ends the job now (preemption, cancellation, the
# limit itself; LSF's job control). Either way the frame passes TERM on to the workload, the one
# signal both workloads read as "checkpoint and stop": the demo trainer writes its checkpoint and
# exits 143; Lightning 2.6 stops at the next batch and exits 0, and the OnExceptionCheckpoint that
# the TerraTorch body adds writes stopped.ckpt on the way out (Lightning's own SLURM requeue is off
# there: the agent resubmits). Whatever the workload's exit code, a stopped job never reads as
# success: the frame runs nothing more (no test, no plots). After TERM it exits 143 (128 + TERM)
# at once, and the scheduler records why it ended the job (PREEMPTED or REQUEUED, TIMEOUT,
# CANCELLED). After the USR1 warning it waits for the scheduler to end the job at its limit
# (TIMEOUT, which the agent resubmits from the checkpoint as a new attempt), and exits 143, a
# failure, if no end comes within the warning time (a stray signal). CAIRN_STOP_WAIT_SECONDS in
# the job's environment shortens that wait (tests).
# A workload that never reads TERM (Lightning's prediction loop) sets CAIRN_STOP_SIGNAL=KILL while
# it runs.
CAIRN_CHILD=0
CAIRN_STOPPED=
CAIRN_STOP_SIGNAL=TERM
cairn_forward() {
  if [ "$CAIRN_STOPPED" != TERM ]; then CAIRN_STOPPED=$1; fi
  if [ "$CAIRN_CHILD" -ne 0 ] && [ "$CAIRN_STOP_SIGNAL" = KILL ]; then
    echo "cairn: stop requested ($1), ending the workload (it does not stop on TERM)" >&2
    kill -KILL "$CAIRN_CHILD" 2>/dev/null || true
  elif [ "$CAIRN_CHILD" -ne 0 ]; then
    echo "cairn: stop requested ($1), asking the workload to checkpoint" >&2
    kill -TERM "$CAIRN_CHILD" 2>/dev/null || true
  fi
}
trap 'cairn_forward USR1' USR1
trap 'cairn_forward TERM' TERM
cairn_stopped() {
  local end=$(( $(date +%s) + ${CAIRN_STOP_WAIT_SECONDS:-330} ))
  echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} stopped on request; its checkpoint is in ${CAIRN_CHECKPOINT_DIR}" >&2
  while [ "$CAIRN_STOPPED" = USR1 ] && [ "$(date +%s)" -lt "$end" ]; do
    sleep 1 &
    wait $! 2>/dev/null || true
  done
  exit 143
}

# Resource usage the job measures itself, for clusters without accounting: peak memory of the
# job's processes and, where it has GPUs, their utilisation and memory from nvidia-smi, sampled
# every few seconds; written to usage.json in the output folder when the script exits.
CAIRN_START=$(date +%s)
cairn_sample() {
  set +e
  local sid peak=0 util_sum=0 samples=0 gpu_mem=0 rss u m
  sid=$(ps -o sid= -p $$ | tr -d ' ')
  while :; do
    rss=$(ps -o rss= -s "$sid" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
    [ "$rss" -gt "$peak" ] && peak=$rss
    if command -v nvidia-smi >/dev/null 2>&1; then
      read -r u m < <(nvidia-smi ${CUDA_VISIBLE_DEVICES:+-i "$CUDA_VISIBLE_DEVICES"} \
        --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits 2>/dev/null \
        | awk -F', ' '{ u += $1; m += $2 } END { print u + 0, m + 0 }')
      util_sum=$((util_sum + u)); samples=$((samples + 1)); [ "$m" -gt "$gpu_mem" ] && gpu_mem=$m
    fi
    # whole lines only: the sampler may be killed mid-write, and the reader must not see half
    echo "$peak $util_sum $samples $gpu_mem" > "$CAIRN_OUTPUT_DIR/.usage.tmp" \
      && mv -f "$CAIRN_OUTPUT_DIR/.usage.tmp" "$CAIRN_OUTPUT_DIR/.usage"
    sleep 2
  done
}
cairn_sample &
CAIRN_SAMPLER=$!
cairn_usage() {
  local rc=$? peak=0 util_sum=0 samples=0 gpu_mem=0 cpu
  kill "$CAIRN_SAMPLER" 2>/dev/null || true
  # the figures are a bonus: a missing or empty sample must not fail a job whose workload passed
  if [ -f "$CAIRN_OUTPUT_DIR/.usage" ]; then
    read -r peak util_sum samples gpu_mem < "$CAIRN_OUTPUT_DIR/.usage" || true
  fi
  rm -f "$CAIRN_OUTPUT_DIR/.usage" "$CAIRN_OUTPUT_DIR/.usage.tmp"
  times > "$CAIRN_OUTPUT_DIR/.times"  # a builtin with a redirect: no subshell, so it sees the children
  cpu=$(tail -n 1 "$CAIRN_OUTPUT_DIR/.times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } print int(t + 0.5) }')
  rm -f "$CAIRN_OUTPUT_DIR/.times"
  printf '{"elapsed_s": %d, "cpu_s": %d, "max_rss_mb": %d, "gpu_samples": %d, "gpu_util_mean": %d, "gpu_mem_max_mb": %d}\n' \
    "$(( $(date +%s) - CAIRN_START ))" "$cpu" "$(( peak / 1024 ))" "$samples" \
    "$(( samples > 0 ? util_sum / samples : 0 ))" "$gpu_mem" > "$CAIRN_OUTPUT_DIR/usage.json"
  # How this job ended, in its own words: a scheduler that forgets finished jobs (SLURM past
  # MinJobAge without accounting, LSF past CLEAN_PERIOD) cannot tell an agent that was down.
  printf '{"job_id": "%s", "exit_code": %d, "stopped": "%s"}\n' "$CAIRN_JOB_ID" "$rc" \
    "$CAIRN_STOPPED" > "$CAIRN_EXIT_FILE.tmp" && mv -f "$CAIRN_EXIT_FILE.tmp" "$CAIRN_EXIT_FILE"
  return "$rc"
}
trap cairn_usage EXIT

# Runs a command in the background and waits for it, surviving the forwarded signal; after a stop
# request nothing else runs.
cairn_run() {
  if [ -n "$CAIRN_STOPPED" ]; then
    cairn_stopped
  fi
  "$@" &
  CAIRN_CHILD=$!
  local rc=0
  while :; do
    wait "$CAIRN_CHILD" && rc=0 || rc=$?
    kill -0 "$CAIRN_CHILD" 2>/dev/null || break
  done
  CAIRN_CHILD=0
  if [ -n "$CAIRN_STOPPED" ]; then
    cairn_stopped
  fi
  return "$rc"
}


# Demo workload: a small real model on synthetic biomass tiles (examples/demo-trainer).
cairn_run java -Xmx512m -jar /opt/cairn/demo-trainer.jar --task biomass \
  --epochs 4 --seed 42 \
  --batch-size 8 --num-workers 2 --model prithvi_eo_v2_600 \
  --split fold1 --output-dir /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/biomass-prithvi_eo_v2_600-s42-b8-e4-spfold1 --checkpoint-dir /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass-prithvi_eo_v2_600-s42-b8-e4-spfold1
echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} finished"

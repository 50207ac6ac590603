#!/bin/bash
#BSUB -J cairn-20261125-golden-demo-3f9a2c1d-crop_classification-a1
#BSUB -o /scratch/cairn/runs/20261125-golden-demo-3f9a2c1d/out/crop_classification.out
#BSUB -e /scratch/cairn/runs/20261125-golden-demo-3f9a2c1d/err/crop_classification.err
#BSUB -W 0:45
#BSUB -n 2
#BSUB -R "span[hosts=1] rusage[mem=3072]"
#BSUB -gpu "num=1"
# Rendered by Cairn test for run 20261125-golden-demo-3f9a2c1d, task crop_classification, attempt 1.
# Config commit 3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b. Every value below is shell-quoted; edit templates/, not this file.
set -euo pipefail
export CAIRN_RUN_ID=20261125-golden-demo-3f9a2c1d
export CAIRN_TASK=crop_classification
export CAIRN_ATTEMPT=1
export CAIRN_OUTPUT_DIR=/scratch/cairn/runs/20261125-golden-demo-3f9a2c1d/predictions/crop_classification
export CAIRN_CHECKPOINT_DIR=/scratch/cairn/runs/20261125-golden-demo-3f9a2c1d/checkpoints/crop_classification
export CAIRN_GEOFM=prithvi_eo_v2_300
export CAIRN_EPOCHS=4
export CAIRN_BATCH_SIZE=8
export CAIRN_NUM_WORKERS=2
export CAIRN_LEARNING_RATE=1e-4
export CAIRN_SEED=42
export CAIRN_DATASET_PATH=''
mkdir -p "$CAIRN_OUTPUT_DIR" "$CAIRN_CHECKPOINT_DIR"
cd /scratch/cairn/runs/20261125-golden-demo-3f9a2c1d

echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} attempt ${CAIRN_ATTEMPT} on $(hostname -s)"

# The scheduler warns the batch shell before it stops the job (SLURM --signal=B:USR1, LSF's
# job-control TERM): forward it as TERM so the workload writes a checkpoint and exits; the next
# attempt resumes from it.
CAIRN_CHILD=0
cairn_forward() {
  if [ "$CAIRN_CHILD" -ne 0 ]; then
    echo "cairn: stop requested, asking the workload to checkpoint" >&2
    kill -TERM "$CAIRN_CHILD" 2>/dev/null || true
  fi
}
trap cairn_forward USR1 TERM

# Runs a command in the background and waits for it, surviving the forwarded signal.
cairn_run() {
  "$@" &
  CAIRN_CHILD=$!
  local rc=0
  while :; do
    wait "$CAIRN_CHILD" && rc=0 || rc=$?
    kill -0 "$CAIRN_CHILD" 2>/dev/null || break
  done
  CAIRN_CHILD=0
  return "$rc"
}


# Demo workload: a small real model on synthetic multi-temporal stacks (examples/demo-trainer).
cairn_run java -Xmx512m -jar /opt/cairn/demo-trainer.jar --task crop_classification \
  --epochs 4 --seed 42 --learning-rate 1e-4 \
  --batch-size 8 --num-workers 2 \
  --output-dir /scratch/cairn/runs/20261125-golden-demo-3f9a2c1d/predictions/crop_classification --checkpoint-dir /scratch/cairn/runs/20261125-golden-demo-3f9a2c1d/checkpoints/crop_classification
echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} finished"

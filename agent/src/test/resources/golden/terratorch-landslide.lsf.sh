#!/bin/bash
#BSUB -J cairn-20261125-golden-tt-3f9a2c1d4e5b-a1-landslide-a1
#BSUB -o /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/landslide.out
#BSUB -e /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/landslide.err
#BSUB -W 48:00
#BSUB -n 16
#BSUB -R "span[hosts=1] rusage[mem=65536]"
#BSUB -q gpu-long
#BSUB -P geo.fm-42
#BSUB -gpu "num=2"
# Rendered by Cairn test for run 20261125-golden-tt-3f9a2c1d4e5b-a1, task landslide, attempt 1.
# Config commit 3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b. Every value below is shell-quoted; edit templates/, not this file.
set -euo pipefail
# site prologue (CAIRN_SITE_PROLOGUE)
module load cuda/12.4
source /opt/venvs/terratorch/bin/activate
export CAIRN_RUN_ID=20261125-golden-tt-3f9a2c1d4e5b-a1
export CAIRN_TASK=landslide
export CAIRN_ATTEMPT=1
export CAIRN_OUTPUT_DIR=/scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/landslide
export CAIRN_CHECKPOINT_DIR=/scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/landslide
export CAIRN_GEOFM=prithvi_eo_v2_600
export CAIRN_EPOCHS=30
export CAIRN_BATCH_SIZE=16
export CAIRN_NUM_WORKERS=8
export CAIRN_LEARNING_RATE=2e-5
export CAIRN_SEED=7
export CAIRN_DATASET_PATH=/gpfs/data/landslide4sense
mkdir -p "$CAIRN_OUTPUT_DIR" "$CAIRN_CHECKPOINT_DIR"
cd /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1

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
    echo "$peak $util_sum $samples $gpu_mem" > "$CAIRN_OUTPUT_DIR/.usage"
    sleep 2
  done
}
cairn_sample &
CAIRN_SAMPLER=$!
cairn_usage() {
  local rc=$? peak=0 util_sum=0 samples=0 gpu_mem=0 cpu
  kill "$CAIRN_SAMPLER" 2>/dev/null || true
  if [ -f "$CAIRN_OUTPUT_DIR/.usage" ]; then read -r peak util_sum samples gpu_mem < "$CAIRN_OUTPUT_DIR/.usage"; fi
  rm -f "$CAIRN_OUTPUT_DIR/.usage"
  times > "$CAIRN_OUTPUT_DIR/.times"  # a builtin with a redirect: no subshell, so it sees the children
  cpu=$(tail -n 1 "$CAIRN_OUTPUT_DIR/.times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } print int(t + 0.5) }')
  rm -f "$CAIRN_OUTPUT_DIR/.times"
  printf '{"elapsed_s": %d, "cpu_s": %d, "max_rss_mb": %d, "gpu_samples": %d, "gpu_util_mean": %d, "gpu_mem_max_mb": %d}\n' \
    "$(( $(date +%s) - CAIRN_START ))" "$cpu" "$(( peak / 1024 ))" "$samples" \
    "$(( samples > 0 ? util_sum / samples : 0 ))" "$gpu_mem" > "$CAIRN_OUTPUT_DIR/usage.json"
  return "$rc"
}
trap cairn_usage EXIT

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


# TerraTorch: fine-tune prithvi_eo_v2_600 with examples/terratorch/landslide.yaml, resuming from
# the last checkpoint of an earlier attempt, then test the best checkpoint.
TT_CONFIG=/opt/cairn/examples/terratorch/landslide.yaml
TT_ARGS=(
  --config "$TT_CONFIG"
  --seed_everything 7
  --trainer.max_epochs 30
  --trainer.default_root_dir /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/lightning/landslide
  --data.init_args.data_root /gpfs/data/landslide4sense
  --data.init_args.batch_size 16
  --data.init_args.num_workers 8
  --model.init_args.model_args.backbone prithvi_eo_v2_600
  --optimizer.init_args.lr 2e-5
  --trainer.callbacks+=ModelCheckpoint
  --trainer.callbacks.dirpath /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/landslide
  --trainer.callbacks.save_last true
)
RESUME=()
if [ -f /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/landslide/last.ckpt ]; then
  echo "cairn: resuming from /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/landslide/last.ckpt"
  RESUME=(--ckpt_path /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/landslide/last.ckpt)
fi
cairn_run terratorch fit "${TT_ARGS[@]}" "${RESUME[@]}"
cairn_run terratorch test "${TT_ARGS[@]}" --ckpt_path /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/landslide/last.ckpt \
  --trainer.logger.class_path CSVLogger --trainer.logger.init_args.save_dir /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/landslide
cairn_run terratorch predict "${TT_ARGS[@]}" --ckpt_path /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/landslide/last.ckpt \
  --predict_output_dir /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/landslide/predictions --data.init_args.predict_data_root /gpfs/data/landslide4sense/test
echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} finished"

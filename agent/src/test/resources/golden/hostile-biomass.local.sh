#!/bin/bash
# Run by Cairn's local scheduler (bash as a child process); it reads these directives.
#CAIRN-LOCAL --job-name=cairn-20261125-golden-hostile-3f9a2c1d-biomass-a1
#CAIRN-LOCAL --time=7200
# Rendered by Cairn test for run 20261125-golden-hostile-3f9a2c1d, task biomass, attempt 1.
# Config commit 3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b. Every value below is shell-quoted; edit templates/, not this file.
set -euo pipefail
export CAIRN_RUN_ID=20261125-golden-hostile-3f9a2c1d
export CAIRN_TASK=biomass
export CAIRN_ATTEMPT=1
export CAIRN_OUTPUT_DIR='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/predictions/biomass'
export CAIRN_CHECKPOINT_DIR='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/checkpoints/biomass'
export CAIRN_GEOFM=prithvi_eo_v2_300
export CAIRN_EPOCHS=10
export CAIRN_BATCH_SIZE=8
export CAIRN_NUM_WORKERS=2
export CAIRN_LEARNING_RATE=1e-4
export CAIRN_SEED=42
export CAIRN_DATASET_PATH=/data/biomass,v2
mkdir -p "$CAIRN_OUTPUT_DIR" "$CAIRN_CHECKPOINT_DIR"
cd '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d'

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


# TerraTorch: fine-tune prithvi_eo_v2_300 with examples/terratorch/biomass.yaml, resuming from
# the last checkpoint of an earlier attempt, then test the best checkpoint.
TT_CONFIG=/opt/cairn/examples/terratorch/biomass.yaml
TT_ARGS=(
  --config "$TT_CONFIG"
  --seed_everything 42
  --trainer.max_epochs 10
  --trainer.default_root_dir '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d'/lightning/biomass
  --data.init_args.data_root /data/biomass,v2
  --data.init_args.batch_size 8
  --data.init_args.num_workers 2
  --model.init_args.model_args.backbone prithvi_eo_v2_300
  --optimizer.init_args.lr 1e-4
  --trainer.callbacks+=ModelCheckpoint
  --trainer.callbacks.dirpath '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/checkpoints/biomass'
  --trainer.callbacks.save_last true
)
RESUME=()
if [ -f '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/checkpoints/biomass'/last.ckpt ]; then
  echo "cairn: resuming from '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/checkpoints/biomass'/last.ckpt"
  RESUME=(--ckpt_path '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/checkpoints/biomass'/last.ckpt)
fi
cairn_run terratorch fit "${TT_ARGS[@]}" "${RESUME[@]}"
cairn_run terratorch test "${TT_ARGS[@]}" --ckpt_path '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/checkpoints/biomass'/last.ckpt \
  --trainer.logger.class_path CSVLogger --trainer.logger.init_args.save_dir '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/predictions/biomass'
cairn_run terratorch predict "${TT_ARGS[@]}" --ckpt_path '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/checkpoints/biomass'/last.ckpt \
  --predict_output_dir '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/20261125-golden-hostile-3f9a2c1d/predictions/biomass'/predictions --data.init_args.predict_data_root /data/biomass,v2/test
echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} finished"

#!/bin/bash
#SBATCH --job-name=cairn-20261125-golden-sweep-3f9a2c1d4e5b-a1-crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2-x4-a1
#SBATCH --output=/scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/arrays/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2-x4-%a.out
#SBATCH --error=/scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/arrays/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2-x4-%a.err
#SBATCH --open-mode=append
#SBATCH --time=01:30:00
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --mem=16384M
#SBATCH --partition=gpu
#SBATCH --account=geo-fm
#SBATCH --gres=gpu:1
#SBATCH --array=0-3%2
#SBATCH --requeue
#SBATCH --signal=B:USR1@540
# Rendered by Cairn test for run 20261125-golden-sweep-3f9a2c1d4e5b-a1: one job array of 4 trials of task crop_classification.
# Config commit 3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b. Element i runs the script of trial i, which writes to that trial's
# own out, err, output and checkpoint paths: a requeued element resumes from its own checkpoint.
set -euo pipefail
CAIRN_INDEX="${SLURM_ARRAY_TASK_ID:-}"
case "$CAIRN_INDEX" in
0) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2
1) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2
2) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2
3) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2
*) echo "cairn: array index '$CAIRN_INDEX' names no trial of this array" >&2; exit 2 ;;
esac

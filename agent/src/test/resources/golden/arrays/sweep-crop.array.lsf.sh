#!/bin/bash
#BSUB -J "cairn-20261125-golden-sweep-3f9a2c1d4e5b-a1-crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2-x4-a1[1-4]%2"
#BSUB -o /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/arrays/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2-x4-%I.out
#BSUB -e /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/arrays/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2-x4-%I.err
#BSUB -W 1:30
#BSUB -n 4
#BSUB -R "span[hosts=1] rusage[mem=16384MB]"
#BSUB -q gpu
#BSUB -P geo-fm
#BSUB -gpu "num=1"
# Rendered by Cairn test for run 20261125-golden-sweep-3f9a2c1d4e5b-a1: one job array of 4 trials of task crop_classification.
# Config commit 3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b. Element i runs the script of trial i, which writes to that trial's
# own out, err, output and checkpoint paths: a requeued element resumes from its own checkpoint.
set -euo pipefail
CAIRN_INDEX="${LSB_JOBINDEX:-}"
case "$CAIRN_INDEX" in
1) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v1_100-lr1e-4-s42-b8-e2
2) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v1_100-lr3e-4-s42-b8-e2
3) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v2_300-lr1e-4-s42-b8-e2
4) exec bash /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/scripts/crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2.sh >> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2.out 2>> /scratch/cairn/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2.err ;;  # crop_classification-prithvi_eo_v2_300-lr3e-4-s42-b8-e2
*) echo "cairn: array index '$CAIRN_INDEX' names no trial of this array" >&2; exit 2 ;;
esac

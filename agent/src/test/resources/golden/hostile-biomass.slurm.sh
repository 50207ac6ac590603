#!/bin/bash
#SBATCH --job-name=cairn-20261125-golden-hostile-3f9a2c1d4e5b-a1-biomass-a1
#SBATCH --output='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/out/biomass.out'
#SBATCH --error='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/err/biomass.err'
#SBATCH --open-mode=append
#SBATCH --time=02:00:00
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --mem=16384M
#SBATCH --gres=gpu:1
#SBATCH --requeue
#SBATCH --signal=B:USR1@600
# Rendered by Cairn test for run 20261125-golden-hostile-3f9a2c1d4e5b-a1, task biomass, attempt 1.
# Config commit 3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b. Every value below is shell-quoted; edit templates/, not this file.
set -euo pipefail
export CAIRN_RUN_ID=20261125-golden-hostile-3f9a2c1d4e5b-a1
export CAIRN_TASK=biomass
export CAIRN_ATTEMPT=1
export CAIRN_STAGE=all
export CAIRN_OUTPUT_DIR='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/biomass'
export CAIRN_CHECKPOINT_DIR='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass'
export CAIRN_GEOFM=prithvi_eo_v2_300
export CAIRN_EPOCHS=10
export CAIRN_BATCH_SIZE=8
export CAIRN_NUM_WORKERS=2
export CAIRN_LEARNING_RATE=''
export CAIRN_SEED=42
export CAIRN_DATASET_PATH=/data/biomass,v2
mkdir -p "$CAIRN_OUTPUT_DIR" "$CAIRN_CHECKPOINT_DIR"
# The scheduler's id of this very job, as the agent knows it: an array element is <array>_<index>
# on SLURM and <array>[<index>] on LSF; a local job is its spool folder.
if [ -n "${SLURM_ARRAY_JOB_ID:-}" ]; then
  CAIRN_JOB_ID="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
elif [ -n "${SLURM_JOB_ID:-}" ]; then
  CAIRN_JOB_ID="$SLURM_JOB_ID"
else
  CAIRN_JOB_ID="${CAIRN_LOCAL_JOB:-}"
  CAIRN_JOB_ID="${CAIRN_JOB_ID##*/}"
fi
CAIRN_EXIT_FILE="$CAIRN_OUTPUT_DIR/exit.json"
rm -f "$CAIRN_EXIT_FILE"
cd '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1'

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
  local end=$(( $(date +%s) + ${CAIRN_STOP_WAIT_SECONDS:-660} ))
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


# GenericNonGeoPixelwiseRegressionDataModule takes one folder per split (no data_root); it is the
# one datamodule here with a predict_data_root, so it also writes <tile>_pred.tif for the test tiles.
TT_DATA=(
  --data.init_args.train_data_root /data/biomass,v2/train_images
  --data.init_args.train_label_data_root /data/biomass,v2/train_labels
  --data.init_args.val_data_root /data/biomass,v2/val_images
  --data.init_args.val_label_data_root /data/biomass,v2/val_labels
  --data.init_args.test_data_root /data/biomass,v2/test_images
  --data.init_args.test_label_data_root /data/biomass,v2/test_labels
)
# float32 predictions: the default --out_dtype (int16) would truncate fractional Mg/ha
TT_PREDICT=(--data.init_args.predict_data_root /data/biomass,v2/test_images --out_dtype float32)
TT_RGB=2,1,0
# TerraTorch 1.1: fine-tune prithvi_eo_v2_300 (24 blocks; the neck's SelectIndices take
# blocks 5,11,17,23, from the model catalogue examples/terratorch/models.csv) with the task config
# written below: examples/terratorch/biomass.yaml of the rendered commit, its neck indices set for GEOFM.
# Each trial has its own config file and Lightning folder, so the trials of a sweep never share
# neck indices, logs or checkpoints.
# Checkpoints, named so that later attempts and other processes find them:
#   best.ckpt     the best epoch by val/RMSE (min); tested and plotted
#   latest.ckpt   the end of the latest epoch; a new attempt resumes from it
#   stopped.ckpt  written when fit is asked to stop (OnExceptionCheckpoint on Lightning's SIGTERM
#                 stop, on fit only); a new attempt resumes from it when it is newer than latest.ckpt
TT_DIR='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1'/terratorch
TT_CONFIG=$TT_DIR/biomass.yaml
TT_PLOT=$TT_DIR/biomass.plot_predictions.py
TT_ROOT='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1'/lightning/biomass
TT_CKPT='/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass'
mkdir -p "$TT_DIR"
cat > "$TT_CONFIG" <<'CAIRN_TERRATORCH_YAML'
# TerraTorch task config: above-ground biomass regression per pixel (HLS bands -> Mg/ha;
# ibm-granite/granite-geospatial-biomass-dataset).
# Rendered batch scripts write this file into the run folder with the SelectIndices neck's indices
# set for GEOFM from models.csv (the [5, 11, 17, 23] below fit the 24 blocks of prithvi_eo_v2_300),
# and override the dataset folders, batch_size, num_workers, backbone, lr, max_epochs, seed, the
# logger's folder and the checkpoints (best by the gate's validation metric, latest, stopped) from
# config/config.env; see templates/tasks/terratorch.inc.
seed_everything: 42
trainer:
  accelerator: auto
  strategy: auto
  devices: auto
  num_nodes: 1
  precision: 16-mixed
  max_epochs: 20
  log_every_n_steps: 10
  logger:
    class_path: CSVLogger
    init_args:
      save_dir: lightning
data:
  class_path: terratorch.datamodules.GenericNonGeoPixelwiseRegressionDataModule
  init_args:
    train_data_root: /data/granite-geospatial-biomass/train_images
    train_label_data_root: /data/granite-geospatial-biomass/train_labels
    val_data_root: /data/granite-geospatial-biomass/val_images
    val_label_data_root: /data/granite-geospatial-biomass/val_labels
    test_data_root: /data/granite-geospatial-biomass/test_images
    test_label_data_root: /data/granite-geospatial-biomass/test_labels
    img_grep: "*.tif"
    label_grep: "*.tif"
    batch_size: 8
    num_workers: 4
    # The dataset's tiles hold 11 bands; -1 marks the ones the model does not take (as in
    # ibm-granite/granite-geospatial-biomass configs/config.yaml). The band filter picks the
    # output_bands out of these by name, so the list must name every file band in order.
    dataset_bands: [-1, BLUE, GREEN, RED, NIR_NARROW, SWIR_1, SWIR_2, -1, -1, -1, -1]
    output_bands: [BLUE, GREEN, RED, NIR_NARROW, SWIR_1, SWIR_2]
    rgb_indices: [2, 1, 0]
    # per-band mean and standard deviation of the training tiles, as published with the dataset
    # (ibm-granite/granite-geospatial-biomass configs/config.yaml)
    means: [547.36707, 898.5121, 1020.9082, 2665.5352, 2340.584, 1610.1407]
    stds: [411.4701, 558.54065, 815.94025, 812.4403, 1113.7145, 1067.641]
    no_data_replace: 0
    no_label_replace: -1
model:
  class_path: terratorch.tasks.PixelwiseRegressionTask
  init_args:
    model_factory: EncoderDecoderFactory
    model_args:
      backbone: prithvi_eo_v2_300
      backbone_pretrained: true
      backbone_bands: [BLUE, GREEN, RED, NIR_NARROW, SWIR_1, SWIR_2]
      necks:
        - name: SelectIndices
          indices: [5, 11, 17, 23]
        - name: ReshapeTokensToImage
        - name: LearnedInterpolateToPyramidal
      decoder: UNetDecoder
      decoder_channels: [512, 256, 128, 64]
    loss: rmse
    ignore_index: -1
    freeze_backbone: false
optimizer:
  class_path: torch.optim.AdamW
  init_args:
    lr: 1.0e-4
    weight_decay: 0.05
lr_scheduler:
  class_path: ReduceLROnPlateau
  init_args:
    monitor: val/loss
CAIRN_TERRATORCH_YAML
cat > "$TT_PLOT" <<'CAIRN_TERRATORCH_YAML'
#!/usr/bin/env python3
"""Plots test tiles of a fine-tuned TerraTorch task: input, ground truth and prediction side by side.

The job script runs it after `terratorch test`, with the same arguments, so it sees the same
datamodule and model:

    python3 plot_predictions.py --checkpoint best.ckpt --output predictions/plots --tiles 4 \
        --seed 42 --rgb 2,1,0 -- --config task.yaml --data.init_args.data_root ...

It has two halves. Drawing (`plot_tile`, `plot_geotiffs`) needs only numpy and matplotlib (and
rasterio for GeoTIFF files). Loading (`terratorch_samples`) builds the task and datamodule through
TerraTorch's LightningCLI, loads the checkpoint's weights and predicts the chosen test tiles; it works
for every datamodule with a test split, including those without a predict_data_root.
"""
import argparse
import os
import sys

import numpy as np


def choose(total, count, seed):
    """A fixed random choice of tile indices for a seed, in order."""
    rng = np.random.default_rng(seed)
    return sorted(int(i) for i in rng.choice(total, size=min(count, total), replace=False))


def rgb_composite(image, bands):
    """[C,H,W] or [C,T,H,W] (the last time step is shown) to [H,W,3], each band stretched to its
    2nd-98th percentile."""
    image = np.asarray(image, dtype=np.float64)
    if image.ndim == 4:
        image = image[:, -1]
    picked = [image[b] if b < image.shape[0] else image[0] for b in bands]
    rgb = np.stack(picked, axis=-1)
    for c in range(3):
        band = rgb[..., c]
        finite = band[np.isfinite(band)]
        lo, hi = (np.percentile(finite, [2, 98]) if finite.size else (0.0, 1.0))
        rgb[..., c] = np.clip((band - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
    return np.nan_to_num(rgb)


def plot_tile(image, label, prediction, out_png, bands=(2, 1, 0), kind="segmentation", title=""):
    """Writes one figure: the RGB composite, the ground truth and the prediction."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    label = np.squeeze(np.asarray(label, dtype=np.float64))
    prediction = np.squeeze(np.asarray(prediction, dtype=np.float64))
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.2))
    axes[0].imshow(rgb_composite(image, bands))
    axes[0].set_title("input (bands %s)" % ",".join(str(b) for b in bands))
    if kind == "segmentation":
        classes = int(max(np.nanmax(label), np.nanmax(prediction), 1)) + 1
        style = {"cmap": "tab20" if classes > 10 else "tab10", "vmin": 0, "vmax": 19 if classes > 10 else 9,
                 "interpolation": "nearest"}
    else:
        valid = np.concatenate([label[np.isfinite(label)], prediction[np.isfinite(prediction)]])
        lo, hi = (np.percentile(valid, [2, 98]) if valid.size else (0.0, 1.0))
        style = {"cmap": "viridis", "vmin": lo, "vmax": hi}
    axes[1].imshow(label, **style)
    axes[1].set_title("ground truth")
    shown = axes[2].imshow(prediction, **style)
    axes[2].set_title("prediction")
    if kind != "segmentation":
        fig.colorbar(shown, ax=axes[1:], shrink=0.8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    os.makedirs(os.path.dirname(os.path.abspath(out_png)), exist_ok=True)
    fig.savefig(out_png, dpi=80)
    plt.close(fig)
    return out_png


def read_geotiff(path):
    """All bands of a GeoTIFF as [C,H,W]."""
    import rasterio

    with rasterio.open(path) as src:
        return src.read()


def plot_geotiffs(image_tif, label_tif, prediction_tif, out_png, bands=(2, 1, 0), kind="segmentation"):
    """plot_tile on three GeoTIFF files (an input tile, its label and a prediction)."""
    return plot_tile(read_geotiff(image_tif), read_geotiff(label_tif)[0], read_geotiff(prediction_tif)[0],
                     out_png, bands, kind, os.path.basename(image_tif))


def terratorch_samples(cli_args, checkpoint):
    """The test split as (kind, count, get(i) -> (image, label, prediction)), predicted with the
    checkpoint's weights by the task TerraTorch builds from the job's own arguments."""
    import terratorch

    standin = getattr(terratorch, "cairn_standin_samples", None)
    if standin is not None:  # the test stand-in's package: arrays it saved, no torch
        return standin(checkpoint)
    import torch
    from terratorch.cli_tools import build_lightning_cli

    cli = build_lightning_cli(list(cli_args), run=False)
    model, datamodule = cli.model, cli.datamodule
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    model.load_state_dict(state["state_dict"])
    model.eval()
    datamodule.setup("test")
    dataset = datamodule.test_dataset
    kind = "regression" if "Regression" in type(model).__name__ else "segmentation"
    aug = getattr(datamodule, "aug", None)

    def get(i):
        sample = dataset[i]
        image = sample["image"]
        batch = {"image": image.unsqueeze(0).float()}
        if aug is not None:
            batch = aug(batch)
        with torch.no_grad():
            output = model(batch["image"])
        output = getattr(output, "output", output)
        prediction = output.argmax(dim=1) if kind == "segmentation" else output.squeeze(1)
        return image.numpy(), sample["mask"].numpy(), prediction[0].numpy()

    return kind, len(dataset), get


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--tiles", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rgb", default="2,1,0", help="band indices shown as red, green, blue")
    if "--" in argv:
        cut = argv.index("--")
        own, cli_args = argv[:cut], argv[cut + 1:]
    else:
        own, cli_args = argv, []
    args = parser.parse_args(own)
    bands = tuple(int(b) for b in args.rgb.split(","))
    kind, total, get = terratorch_samples(cli_args, args.checkpoint)
    for n, i in enumerate(choose(total, args.tiles, args.seed)):
        image, label, prediction = get(i)
        out = os.path.join(args.output, "tile-%03d.png" % i)
        plot_tile(image, label, prediction, out, bands, kind, "test tile %d" % i)
        print("plot_predictions: wrote %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
CAIRN_TERRATORCH_YAML

# What ran: versions of python, torch, TerraTorch, CUDA and the GPU (env.json), and a fingerprint of
# the dataset folder (dataset.json: a hash of its sorted listing with sizes and times, and the md5
# of <dataset>.dvc where one lies beside it). Missing python or nvidia-smi leave nulls, not errors.
cairn_environment() {
  local gpu="" py=""
  if command -v nvidia-smi >/dev/null 2>&1; then
    gpu=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true)
  fi
  py=$(command -v python3 || command -v python || true)
  if [ -z "$py" ] || ! CAIRN_GPU="$gpu" "$py" - "$CAIRN_OUTPUT_DIR/env.json" <<'CAIRN_PY'
import json, os, platform, sys

def version(name):
    try:
        return getattr(__import__(name), "__version__", "unknown")
    except Exception:
        return None

env = {"python": platform.python_version(), "host": platform.node()}
for name in ("torch", "lightning", "terratorch", "torchgeo", "numpy", "rasterio"):
    env[name] = version(name)
try:
    import torch
    env["cuda"] = torch.version.cuda
    env["cuda_available"] = bool(torch.cuda.is_available())
except Exception:
    env["cuda"] = None
gpus = []
for line in os.environ.get("CAIRN_GPU", "").splitlines():
    cells = [c.strip() for c in line.split(",")]
    if len(cells) == 3:
        gpus.append({"name": cells[0], "memory_total": cells[1], "driver_version": cells[2]})
env["gpus"] = gpus
env["driver_version"] = gpus[0]["driver_version"] if gpus else None
with open(sys.argv[1], "w") as out:
    json.dump(env, out, indent=2)
    out.write("\n")
CAIRN_PY
  then
    printf '{"python": null, "gpus": "%s"}\n' "$(printf '%s' "$gpu" | tr -d '"\\' | tr '\n' ';')" \
      > "$CAIRN_OUTPUT_DIR/env.json"
  fi
}
cairn_fingerprint() {
  local dir=$1 sha="" files=0 dvc=""
  if [ -d "$dir" ]; then
    sha=$(cd "$dir" && find . -type f -printf '%P\t%s\t%T@\n' | LC_ALL=C sort | sha256sum | cut -d' ' -f1)
    files=$(cd "$dir" && find . -type f | wc -l)
  fi
  if [ -f "${dir%/}.dvc" ]; then
    dvc=$(awk '$1 == "-" && $2 == "md5:" { print $3; exit } $1 == "md5:" { print $2; exit }' "${dir%/}.dvc")
  fi
  printf '{"path": "%s", "files": %d, "listing_sha256": "%s", "dvc_md5": "%s"}\n' \
    "$dir" "$files" "$sha" "$dvc" > "$CAIRN_OUTPUT_DIR/dataset.json"
}
cairn_environment
cairn_fingerprint /data/biomass,v2

# Notes for the report and status.json: one line each in notes.txt of the output folder.
cairn_note() {
  echo "cairn: note: $*" >&2
  printf '%s\n' "$*" >> "$CAIRN_OUTPUT_DIR/notes.txt"
}
rm -f "$CAIRN_OUTPUT_DIR/notes.txt"
# what the task body says the report must carry (TT_NOTES, set before this file is included)
for TT_NOTE in ${TT_NOTES[@]+"${TT_NOTES[@]}"}; do
  cairn_note "$TT_NOTE"
done

# The backbone's pretrained weights: TerraTorch downloads Prithvi_EO_V2_300M.pt from the Hugging Face
# hub (ibm-nasa-geospatial/Prithvi-EO-2.0-300M) at every fit, test and predict, unless the cache holds it and
# HF_HUB_OFFLINE=1 says not to ask the hub (compute nodes without internet; fill the cache on a
# node that has it: see docs/terratorch.md).
TT_HF_CACHE=${HF_HUB_CACHE:-${HF_HOME:-${HOME:-/nonexistent}/.cache/huggingface}/hub}
case "${HF_HUB_OFFLINE:-}" in
  1|[Oo][Nn]|[Yy][Ee][Ss]|[Tt][Rr][Uu][Ee])
    if ! ls "$TT_HF_CACHE"/models--ibm-nasa-geospatial--Prithvi-EO-2.0-300M/snapshots/*/Prithvi_EO_V2_300M.pt >/dev/null 2>&1; then
      echo "cairn: HF_HUB_OFFLINE is set but $TT_HF_CACHE/models--ibm-nasa-geospatial--Prithvi-EO-2.0-300M/snapshots/<revision>/Prithvi_EO_V2_300M.pt is missing; fill the cache on a node with internet: huggingface-cli download ibm-nasa-geospatial/Prithvi-EO-2.0-300M Prithvi_EO_V2_300M.pt" >&2
      exit 2
    fi
    echo "cairn: backbone weights from the Hugging Face cache $TT_HF_CACHE (HF_HUB_OFFLINE)"
    ;;
  *)
    echo "cairn: backbone weights ibm-nasa-geospatial/Prithvi-EO-2.0-300M come from the Hugging Face hub (or its cache $TT_HF_CACHE); set HF_HUB_OFFLINE=1 on nodes without internet"
    ;;
esac

# More than one task (one per GPU, --ntasks-per-node under SLURM): Lightning's SLURM environment
# expects srun to start each rank; the plots run as a single task.
TT_LAUNCH=()
TT_LAUNCH_ONE=()
if [ -n "${SLURM_JOB_ID:-}" ] && [ "${SLURM_NTASKS:-1}" -gt 1 ]; then
  TT_LAUNCH=(srun --kill-on-bad-exit=1)
  TT_LAUNCH_ONE=(srun --ntasks=1 --nodes=1)
fi

TT_ARGS=(
  --config "$TT_CONFIG"
  --seed_everything 42
  --trainer.max_epochs 10
  --trainer.default_root_dir "$TT_ROOT"
  ${TT_DATA[@]+"${TT_DATA[@]}"}
  --data.init_args.batch_size 8
  --data.init_args.num_workers 2
  --model.init_args.model_args.backbone prithvi_eo_v2_300
  --trainer.logger.class_path CSVLogger
  --trainer.logger.init_args.save_dir '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/biomass'
  --trainer.callbacks '[{"class_path":"lightning.pytorch.callbacks.ModelCheckpoint","init_args":{"dirpath":"/scratch/it'\''s $(touch PWNED) `id` \"q\"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass","filename":"best","monitor":"val/RMSE","mode":"min","save_top_k":1,"enable_version_counter":false}},{"class_path":"lightning.pytorch.callbacks.ModelCheckpoint","init_args":{"dirpath":"/scratch/it'\''s $(touch PWNED) `id` \"q\"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass","filename":"latest","monitor":"epoch","mode":"max","save_top_k":1,"every_n_epochs":1,"save_on_train_epoch_end":true,"enable_version_counter":false}}]'
)
if [ -n "${SLURM_JOB_ID:-}" ]; then
  # the agent resubmits stopped jobs: Lightning must not requeue them itself on SIGUSR1
  TT_ARGS+=(
    --trainer.plugins '{"class_path": "lightning.pytorch.plugins.environments.SLURMEnvironment", "init_args": {"auto_requeue": false}}'
  )
fi

# fit alone writes stopped.ckpt on a stop (its callbacks replace TT_ARGS' list): a stop during test
# must leave nothing that a later fit would take for training progress
TT_FIT=(--trainer.callbacks '[{"class_path":"lightning.pytorch.callbacks.ModelCheckpoint","init_args":{"dirpath":"/scratch/it'\''s $(touch PWNED) `id` \"q\"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass","filename":"best","monitor":"val/RMSE","mode":"min","save_top_k":1,"enable_version_counter":false}},{"class_path":"lightning.pytorch.callbacks.ModelCheckpoint","init_args":{"dirpath":"/scratch/it'\''s $(touch PWNED) `id` \"q\"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass","filename":"latest","monitor":"epoch","mode":"max","save_top_k":1,"every_n_epochs":1,"save_on_train_epoch_end":true,"enable_version_counter":false}},{"class_path":"lightning.pytorch.callbacks.OnExceptionCheckpoint","init_args":{"dirpath":"/scratch/it'\''s $(touch PWNED) `id` \"q\"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/checkpoints/biomass","filename":"stopped"}}]')
RESUME=()
TT_LATEST=$(ls -t "$TT_CKPT"/stopped.ckpt "$TT_CKPT"/latest.ckpt "$TT_ROOT"/hpc_ckpt_*.ckpt 2>/dev/null | head -n 1 || true)
if [ -n "$TT_LATEST" ]; then
  echo "cairn: resuming from $TT_LATEST"
  RESUME=(--ckpt_path "$TT_LATEST")
fi
cairn_run ${TT_LAUNCH[@]+"${TT_LAUNCH[@]}"} terratorch fit "${TT_ARGS[@]}" "${TT_FIT[@]}" \
  --trainer.logger.init_args.name fit ${RESUME[@]+"${RESUME[@]}"}

TT_BEST=$TT_CKPT/best.ckpt
if [ ! -f "$TT_BEST" ]; then
  echo "cairn: no best.ckpt (val/RMSE was never logged); testing latest.ckpt" >&2
  TT_BEST=$TT_CKPT/latest.ckpt
fi
cairn_run ${TT_LAUNCH[@]+"${TT_LAUNCH[@]}"} terratorch test "${TT_ARGS[@]}" \
  --trainer.logger.init_args.name test --ckpt_path "$TT_BEST"
if [ -n "${TT_PREDICT[*]:-}" ]; then
  # Lightning's prediction loop never looks at SIGTERM: on a stop request the frame ends it (KILL)
  CAIRN_STOP_SIGNAL=KILL
  cairn_run ${TT_LAUNCH[@]+"${TT_LAUNCH[@]}"} terratorch predict "${TT_ARGS[@]}" "${TT_PREDICT[@]}" \
    --trainer.logger.init_args.name predict --ckpt_path "$TT_BEST" --predict_output_dir '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/biomass'/tiles
  CAIRN_STOP_SIGNAL=TERM
fi
# input, ground truth and prediction of a seeded choice of test tiles, from the best checkpoint. The
# test metrics are in: a failed plot is a note in the report, never a failed trial.
TT_PLOT_ERR=$CAIRN_OUTPUT_DIR/plots.err
cairn_plot() {
  exec ${TT_LAUNCH_ONE[@]+"${TT_LAUNCH_ONE[@]}"} python3 "$TT_PLOT" --checkpoint "$TT_BEST" \
    --output '/scratch/it'\''s $(touch PWNED) `id` "q"; next/runs/3f9a2c1d4e5b6a7980e1f2a3b4c5d6e7f8091a2b-a1/predictions/biomass'/plots --tiles 4 --seed 42 --rgb "$TT_RGB" \
    -- "${TT_ARGS[@]}" 2> "$TT_PLOT_ERR"
}
TT_PLOT_RC=0
cairn_run cairn_plot || TT_PLOT_RC=$?
cat "$TT_PLOT_ERR" >&2 2>/dev/null || true
if [ "$TT_PLOT_RC" -ne 0 ]; then
  cairn_note "plots missing: plot_predictions.py exited $TT_PLOT_RC: $(grep -v '^[[:space:]]*$' "$TT_PLOT_ERR" 2>/dev/null | tail -n 1 | tr -d '\000-\037' | cut -c1-300)"
fi
rm -f "$TT_PLOT_ERR"
echo "cairn: $(date -u +%Y-%m-%dT%H:%M:%SZ) ${CAIRN_TASK} finished"

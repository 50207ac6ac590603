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

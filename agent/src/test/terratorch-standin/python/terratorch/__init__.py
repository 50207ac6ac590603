"""Test-only stand-in for the `terratorch` package: its version and the samples hook the plot script uses."""

import json
import os

_ALIASES = {"1.0": "1.0.2", "1.0.2": "1.0.2", "1.1.0": "1.1.0", "1.1": "1.1.1", "1.1.1": "1.1.1",
            "1.2": "1.2.13", "1.2.13": "1.2.13"}
__version__ = _ALIASES.get(os.environ.get("CAIRN_STANDIN_TERRATORCH_VERSION", "1.1.1"), "unknown")


def cairn_standin_samples(checkpoint):
    """(kind, count, get) from a checkpoint the stand-in wrote; get(i) -> (image CxHxW, label HxW, prediction HxW).

    kind is "segmentation" or "regression"; the samples are the ones the stand-in's model state gives at the
    epoch the checkpoint was saved (better predictions after more training).
    """
    with open(checkpoint) as f:
        state = json.load(f)
    data = state["cairn_standin"]
    samples = data["samples"]

    def get(i):
        image, label, prediction = samples[i]
        return image, label, prediction

    return data["kind"], len(samples), get

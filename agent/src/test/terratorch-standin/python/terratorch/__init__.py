"""A STAND-IN for the terratorch package, for tests (not TerraTorch): it answers the job's
environment probe (`import terratorch; terratorch.__version__`) and hands the prediction plot the
tiles the stand-in command saved in its checkpoint, in place of loading a model through TerraTorch."""
import json
import os

__version__ = os.environ.get("CAIRN_STANDIN_TERRATORCH_VERSION", "1.1") + ".0+standin"


def cairn_standin_samples(checkpoint):
    """(kind, count, get(i) -> (image, label, prediction)) from a stand-in checkpoint."""
    with open(checkpoint) as f:
        state = json.load(f)
    samples = state["samples"]

    def get(i):
        s = samples[i]
        return s["image"], s["label"], s["prediction"]

    return state["kind"], len(samples), get

"""Deterministic metric values and prediction samples (a stand-in's own choice, not upstream behaviour).

They improve with the epochs trained, depend on --seed_everything, and peak for a learning rate near
1e-4 (the Prithvi configs' value): a learning rate 50x off trains visibly worse.
"""

import math
import random
import zlib


def quality(lr):
    return math.exp(-((math.log10(max(lr, 1e-12)) + 4.0) ** 2) / (2 * 0.5**2))


def progress(lr, epochs_trained):
    return quality(lr) * (1.0 - math.exp(-0.35 * max(epochs_trained, 0)))


def _rng(seed, *parts):
    return random.Random(zlib.crc32(repr((int(seed),) + tuple(parts)).encode()))


def loss(kind, lr, epochs_trained, seed, stage, step=0):
    p = progress(lr, epochs_trained)
    noise = _rng(seed, stage, "loss", epochs_trained, step).uniform(-0.01, 0.01)
    base = 2.0 if kind == "segmentation" else 400.0
    return round(base * (1.0 - 0.85 * p) * (1 + noise), 6)


def metric(kind, name, lr, epochs_trained, seed, stage):
    """A value for a metric key's last part (mIoU, RMSE, IoU_3 ...)."""
    p = progress(lr, epochs_trained)
    noise = _rng(seed, stage, name, epochs_trained).uniform(-0.01, 0.01)
    short = name.rsplit("/", 1)[-1]
    if kind == "regression":
        rmse = 40.0 * (1.0 - 0.7 * p) * (1 + noise)
        table = {"RMSE": rmse, "MSE": rmse * rmse, "MAE": 0.8 * rmse, "R2_Score": 1.0 - (rmse / 45.0) ** 2}
        return round(table.get(short, rmse), 6)
    score = min(0.99, max(0.0, 0.12 + 0.75 * p + noise))
    if "Boundary" in short:
        score *= 0.8
    return round(score, 6)


def samples(kind, lr, epochs_trained, seed, num_classes, count=4, size=16):
    """[(image 3xHxW, label HxW, prediction HxW)] as nested lists; predictions get closer with training."""
    p = progress(lr, epochs_trained)
    out = []
    for i in range(count):
        rng = _rng(seed, "sample", i)
        image = [[[round(rng.uniform(0, 1), 3) for _ in range(size)] for _ in range(size)] for _ in range(3)]
        if kind == "segmentation":
            classes = max(int(num_classes or 2), 2)
            label = [[(x // 4 + y // 4 + i) % classes for x in range(size)] for y in range(size)]
            err = _rng(seed, "pred", i, epochs_trained)
            pred = [[v if err.random() < 0.3 + 0.7 * p else err.randrange(classes) for v in row] for row in label]
        else:
            label = [[round(50 + 100 * image[1][y][x], 2) for x in range(size)] for y in range(size)]
            err = _rng(seed, "pred", i, epochs_trained)
            pred = [[round(v + err.gauss(0, 40 * (1 - p) + 1), 2) for v in row] for row in label]
        out.append((image, label, pred))
    return out

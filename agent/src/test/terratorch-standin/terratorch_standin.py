#!/usr/bin/env python3
"""A STAND-IN for TerraTorch's `terratorch` command, for tests. It is NOT TerraTorch: it trains
nothing. It follows the command-line contract that LightningCLI documents and TerraTorch keeps, and
the files and signals Lightning 2.6 produces, so that Cairn's job scripts can be run end to end here:

  command line  `terratorch fit|validate|test|predict --config FILE [--a.b.c VALUE | --a.b.c=VALUE]...
                [--ckpt_path FILE]`; `--trainer.callbacks+=Name` appends a callback and the
                `--trainer.callbacks.key value` that follow set its arguments; later values win.
                Unknown keys are rejected as jsonargparse does (usage on stderr, exit 2): among them
                `--data.init_args.predict_data_root` for datamodules that lack it.
  metrics       CSVLogger's `<save_dir>/<name>/version_<n>/metrics.csv` (columns epoch, step and the
                logged names, empty cells where a row logged nothing), with the names TerraTorch 1.0
                or 1.1 logs (CAIRN_STANDIN_TERRATORCH_VERSION, default 1.1).
  checkpoints   ModelCheckpoint(dirpath, filename, monitor, mode, save_top_k): the file is written
                when the monitored value improves (`epoch` with mode max: every epoch); a monitor
                the task does not log fails as Lightning does. OnExceptionCheckpoint(dirpath,
                filename) writes its file when the run is interrupted and is removed after a run
                that ends normally. Checkpoints are JSON (epoch reached, batch, the model's
                "quality", the tiles it would predict).
  signals       SIGTERM: stop at the next batch, write no checkpoint of its own (OnExceptionCheckpoint
                aside), exit 0, as Lightning 2.6 does. SIGUSR1 under SLURM with auto_requeue on (the
                default): save `hpc_ckpt_<n>.ckpt` in default_root_dir and run `scontrol requeue`;
                with `--trainer.plugins.auto_requeue false` SIGUSR1 is left to its default (it kills).
  resume        `fit --ckpt_path FILE` continues from the epoch and batch the checkpoint holds.
  model         the backbone must be a Prithvi-EO name and the SelectIndices neck's indices must
                exist in it (IndexError otherwise, as the real model fails).

Environment: CAIRN_STANDIN_TERRATORCH_VERSION (1.0 or 1.1), CAIRN_STANDIN_BATCHES (batches per
epoch, 4), CAIRN_STANDIN_BATCH_SECONDS (0.05). Python 3 standard library only.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

SUBCOMMANDS = ("fit", "validate", "test", "predict")
TOP_KEYS = {"config", "ckpt_path", "seed_everything", "predict_output_dir", "output_file_prefix",
            "out_dtype", "deploy_config_file", "custom_modules_path"}
SECTIONS = ("trainer.", "model.", "optimizer.", "lr_scheduler.")
# init arguments of the datamodules Cairn's configs use (TerraTorch 1.x); the first two have no
# predict_data_root
DATA_ARGS = {
    "MultiTemporalCropClassificationDataModule": {
        "data_root", "batch_size", "num_workers", "bands", "train_transform", "val_transform",
        "test_transform", "predict_transform", "drop_last", "no_data_replace", "no_label_replace",
        "expand_temporal_dimension", "reduce_zero_label", "use_metadata", "metadata_file_name"},
    "Landslide4SenseNonGeoDataModule": {
        "data_root", "batch_size", "num_workers", "bands", "train_transform", "val_transform",
        "test_transform", "predict_transform", "aug"},
    "GenericNonGeoPixelwiseRegressionDataModule": {
        "batch_size", "num_workers", "train_data_root", "val_data_root", "test_data_root",
        "predict_data_root", "train_label_data_root", "val_label_data_root", "test_label_data_root",
        "img_grep", "label_grep", "means", "stds", "dataset_bands", "output_bands",
        "predict_dataset_bands", "predict_output_bands", "no_data_replace", "no_label_replace",
        "train_split", "val_split", "test_split", "constant_scale", "rgb_indices", "drop_last",
        "train_transform", "val_transform", "test_transform", "expand_temporal_dimension",
        "reduce_zero_label"},
}
BLOCKS = {"prithvi_eo_tiny": 4, "prithvi_eo_v1_100": 12, "prithvi_eo_v2_tiny_tl": 12,
          "prithvi_eo_v2_100": 12, "prithvi_eo_v2_100_tl": 12, "prithvi_eo_v2_300": 24,
          "prithvi_eo_v2_300_tl": 24, "prithvi_eo_v2_600": 32, "prithvi_eo_v2_600_tl": 32}
SEGMENTATION = {"1.1": ["mIoU", "mIoU_Micro", "F1_Score", "Accuracy", "Pixel_Accuracy", "Boundary_mIoU"],
                "1.0": ["Multiclass_Jaccard_Index", "Multiclass_Jaccard_Index_Micro", "Multiclass_F1_Score",
                        "Multiclass_Accuracy"]}
REGRESSION = {"1.1": ["RMSE", "MSE", "MAE", "R2_Score"], "1.0": ["RMSE", "MSE", "MAE"]}


def usage_error(message):
    sys.stderr.write("usage: terratorch [-h] [-c CONFIG] [--print_config[=flags]] {fit,validate,test,predict} ...\n")
    sys.stderr.write("error: " + message + "\n")
    sys.exit(2)


def parse(argv):
    """(subcommand, config files, {dotted key: value}, callbacks [{class, args}])."""
    if not argv or argv[0] not in SUBCOMMANDS:
        usage_error("argument subcommand: invalid choice: %r (choose from %s)"
                    % (argv[0] if argv else "", ", ".join("'%s'" % s for s in SUBCOMMANDS)))
    sub, rest = argv[0], argv[1:]
    configs, values, callbacks, plugins = [], {}, [], []
    i = 0
    while i < len(rest):
        token = rest[i]
        if not token.startswith("--"):
            usage_error("Unrecognized arguments: %s" % token)
        if "=" in token and not token.startswith("--trainer.callbacks+="):
            key, value = token[2:].split("=", 1)
            i += 1
        elif token.startswith("--trainer.callbacks+="):
            key, value = "trainer.callbacks+", token.split("=", 1)[1]
            i += 1
        else:
            if i + 1 >= len(rest):
                usage_error("Key %r expects a value" % token[2:])
            key, value = token[2:], rest[i + 1]
            i += 2
        if key == "config":
            configs.append(value)
        elif key == "trainer.callbacks+":
            callbacks.append({"class": value.rsplit(".", 1)[-1], "args": {}})
        elif key.startswith("trainer.callbacks."):
            if not callbacks:
                usage_error("Key %r: no callback to apply it to" % key)
            name = key[len("trainer.callbacks."):]
            callbacks[-1]["args"][name[len("init_args."):] if name.startswith("init_args.") else name] = value
        elif key == "trainer.plugins":
            plugins.append({"class": value.rsplit(".", 1)[-1], "args": {}})
        elif key.startswith("trainer.plugins."):
            if not plugins:
                usage_error("Key %r: no plugin to apply it to" % key)
            plugins[-1]["args"][key.rsplit(".", 1)[-1]] = value
        elif key in TOP_KEYS or key.startswith(SECTIONS) or key.startswith("data."):
            values[key] = value
        else:
            usage_error("Unrecognized arguments: --%s" % key)
    if not configs:
        usage_error("a --config file is required by this stand-in")
    return sub, configs, values, callbacks, plugins


def yaml_value(text, pattern, default=None):
    m = re.search(pattern, text, re.MULTILINE)
    return m.group(1).strip() if m else default


def read_config(configs):
    text = "\n".join(open(c).read() for c in configs)
    data_class = yaml_value(text, r"^data:\s*\n\s+class_path:\s*(\S+)")
    model_class = yaml_value(text, r"^model:\s*\n\s+class_path:\s*(\S+)")
    indices = yaml_value(text, r"name:\s*SelectIndices\s*\n\s*indices:\s*\[([0-9,\s]*)\]", "")
    names = yaml_value(text, r"^\s+class_names:\s*\[([^\]]*)\]", "")
    return {
        "text": text,
        "data_class": data_class.rsplit(".", 1)[-1] if data_class else None,
        "model_class": model_class.rsplit(".", 1)[-1] if model_class else None,
        "backbone": yaml_value(text, r"^\s+backbone:\s*(\S+)"),
        "indices": [int(x) for x in indices.split(",") if x.strip()],
        "class_names": [n.strip() for n in names.split(",") if n.strip()],
        "save_dir": yaml_value(text, r"^\s+save_dir:\s*(\S+)", "lightning_logs"),
    }


def check_data_args(cfg, values):
    allowed = DATA_ARGS.get(cfg["data_class"])
    for key in values:
        if not key.startswith("data."):
            continue
        if not key.startswith("data.init_args.") or allowed is None:
            continue
        name = key[len("data.init_args."):]
        if name not in allowed:
            usage_error('Parser key "data":\n  Problem with given class_path "terratorch.datamodules.%s":\n'
                        '    Validation failed: No action for key "%s" to check its value.'
                        % (cfg["data_class"], name))


class Run:
    def __init__(self, sub, cfg, values, callbacks, plugins):
        self.sub, self.cfg, self.values, self.callbacks, self.plugins = sub, cfg, values, callbacks, plugins
        self.version = os.environ.get("CAIRN_STANDIN_TERRATORCH_VERSION", "1.1")
        self.kind = "regression" if "Regression" in (cfg["model_class"] or "") else "segmentation"
        self.batches = int(os.environ.get("CAIRN_STANDIN_BATCHES", "4"))
        self.batch_seconds = float(os.environ.get("CAIRN_STANDIN_BATCH_SECONDS", "0.05"))
        self.max_epochs = int(values.get("trainer.max_epochs", "3"))
        limit = values.get("trainer.limit_train_batches")
        if limit is not None:
            self.batches = min(self.batches, int(float(limit)))
        self.root = values.get("trainer.default_root_dir", os.getcwd())
        self.sigterm = False

    # --- metrics -------------------------------------------------------------------------------
    def names(self):
        base = SEGMENTATION if self.kind == "segmentation" else REGRESSION
        names = list(base[self.version])
        if self.kind == "segmentation" and self.version == "1.1":
            names += ["IoU_" + c for c in self.cfg["class_names"]]
        return names

    def metrics(self, prefix, quality):
        """Values that improve with the model's quality (0..1), named as the version logs them."""
        result = {prefix + "loss": round(1.0 - 0.9 * quality, 6)}
        for n in self.names():
            if n in ("RMSE", "MAE"):
                v = 80.0 - 50.0 * quality
            elif n == "MSE":
                v = (80.0 - 50.0 * quality) ** 2
            else:
                v = 0.2 + 0.7 * quality
            result[prefix + n] = round(v, 6)
        return result

    def logger_dir(self, default_name):
        if self.values.get("trainer.logger") in ("false", "False", "null"):
            return None
        save_dir = self.values.get("trainer.logger.init_args.save_dir", self.cfg["save_dir"])
        name = self.values.get("trainer.logger.init_args.name", default_name)
        base = os.path.join(save_dir, name)
        os.makedirs(base, exist_ok=True)
        n = 0
        while os.path.exists(os.path.join(base, "version_%d" % n)):
            n += 1
        path = os.path.join(base, "version_%d" % n)
        os.makedirs(path)
        return path

    def write_csv(self, log_dir, rows):
        if log_dir is None:
            return
        columns = ["epoch", "step"]
        for r in rows:
            for k in r:
                if k not in columns:
                    columns.append(k)
        with open(os.path.join(log_dir, "metrics.csv"), "w") as out:
            out.write(",".join(columns) + "\n")
            for r in rows:
                out.write(",".join("" if r.get(c) is None else str(r[c]) for c in columns) + "\n")

    # --- checkpoints ---------------------------------------------------------------------------
    def checkpoint(self, epoch, batch, quality, best=None):
        tiles = []
        for t in range(6):
            size = 8
            image = [[[((b + 1) * (y * size + x + t)) % 97 / 97.0 for x in range(size)] for y in range(size)]
                     for b in range(6)]
            label = [[(x + y + t) % 2 if self.kind == "segmentation" else 10.0 * (x + t) for x in range(size)]
                     for y in range(size)]
            pred = [[(x + y + t + (1 if (x * y) % 5 == 0 else 0)) % 2 if self.kind == "segmentation"
                     else 10.0 * (x + t) + 3.0 for x in range(size)] for y in range(size)]
            tiles.append({"image": image, "label": label, "prediction": pred})
        return {"standin": True, "epoch": epoch, "batch": batch, "quality": quality, "kind": self.kind,
                "best": best, "samples": tiles}

    def save(self, path, state):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w") as out:
            json.dump(state, out)
        os.replace(tmp, path)

    def model_checkpoints(self):
        return [c for c in self.callbacks if c["class"] == "ModelCheckpoint"]

    def on_exception(self):
        return [c for c in self.callbacks if c["class"] == "OnExceptionCheckpoint"]

    # --- subcommands ---------------------------------------------------------------------------
    def check_model(self):
        backbone = self.values.get("model.init_args.model_args.backbone", self.cfg["backbone"])
        if backbone not in BLOCKS:
            sys.stderr.write("KeyError: backbone %r is not registered\n" % backbone)
            sys.exit(1)
        for i in self.cfg["indices"]:
            if i >= BLOCKS[backbone]:
                sys.stderr.write("IndexError: list index out of range (SelectIndices index %d of %d blocks of %s)\n"
                                 % (i, BLOCKS[backbone], backbone))
                sys.exit(1)

    def fit(self):
        self.check_model()
        epoch, batch, quality, bests = 0, 0, 0.0, {}
        ckpt_path = self.values.get("ckpt_path")
        if ckpt_path:
            state = json.load(open(ckpt_path))
            epoch, batch, quality, bests = state["epoch"], state["batch"], state["quality"], state.get("best") or {}
            print("Restoring states from the checkpoint path at %s (epoch %d, batch %d)" % (ckpt_path, epoch, batch))
        self.install_signals()
        log_dir = self.logger_dir("lightning_logs")
        rows = []
        step = epoch * self.batches + batch
        while epoch < self.max_epochs:
            while batch < self.batches:
                if self.sigterm:
                    return self.interrupted(epoch, batch, quality, bests, log_dir, rows)
                time.sleep(self.batch_seconds)
                quality = min(1.0, quality + 0.6 / (self.batches * (epoch + 1)))
                batch += 1
                step += 1
                self.current = (epoch, batch, quality, bests)
            val = self.metrics("val/", quality)
            rows.append(dict({"epoch": epoch, "step": step - 1, "train/loss": round(1.0 - quality, 6)}, **val))
            candidates = dict(val, epoch=epoch, step=step)
            for c in self.model_checkpoints():
                monitor = c["args"].get("monitor")
                if monitor is not None and monitor not in candidates:
                    sys.stderr.write(
                        "lightning.fabric.utilities.exceptions.MisconfigurationException: `ModelCheckpoint("
                        "monitor=%r)` could not find the monitored key in the returned metrics: %s. HINT: Did "
                        "you call `log(%r, value)` in the `LightningModule`?\n"
                        % (monitor, ", ".join(sorted(candidates)), monitor))
                    self.write_csv(log_dir, rows)
                    return 1
                key = c["args"].get("filename", "epoch=%d-step=%d" % (epoch, step))
                value = candidates[monitor] if monitor else epoch
                mode = c["args"].get("mode", "min")
                old = bests.get(key)
                if old is None or (value > old if mode == "max" else value < old):
                    bests[key] = value
                    path = os.path.join(c["args"].get("dirpath", self.root), key + ".ckpt")
                    self.save(path, self.checkpoint(epoch + 1, 0, quality, bests))
            epoch += 1
            batch = 0
            print("Epoch %d: quality %.3f" % (epoch - 1, quality), flush=True)
        self.write_csv(log_dir, rows)
        for c in self.on_exception():
            path = os.path.join(c["args"]["dirpath"], c["args"].get("filename", "on_exception") + ".ckpt")
            if os.path.exists(path):
                os.remove(path)
        print("`Trainer.fit` stopped: `max_epochs=%d` reached." % self.max_epochs)
        return 0

    def interrupted(self, epoch, batch, quality, bests, log_dir, rows):
        self.write_csv(log_dir, rows)
        for c in self.on_exception():
            path = os.path.join(c["args"]["dirpath"], c["args"].get("filename", "on_exception") + ".ckpt")
            self.save(path, self.checkpoint(epoch, batch, quality, bests))
        print("Received SIGTERM: stopping at epoch %d batch %d" % (epoch, batch), flush=True)
        return 0  # Lightning 2.6: SIGTERMException is a SystemExit without a code

    def install_signals(self):
        self.current = (0, 0, 0.0, {})

        def on_term(signum, frame):
            self.sigterm = True

        signal.signal(signal.SIGTERM, on_term)
        slurm = "SLURM_NTASKS" in os.environ or "SLURM_JOB_ID" in os.environ
        env = [p for p in self.plugins if p["class"] == "SLURMEnvironment"]
        auto_requeue = not env or env[-1]["args"].get("auto_requeue", "true").lower() != "false"
        if slurm and auto_requeue:
            def on_usr1(signum, frame):
                n = 1
                while os.path.exists(os.path.join(self.root, "hpc_ckpt_%d.ckpt" % n)):
                    n += 1
                epoch, batch, quality, bests = self.current
                self.save(os.path.join(self.root, "hpc_ckpt_%d.ckpt" % n), self.checkpoint(epoch, batch, quality, bests))
                subprocess.call(["scontrol", "requeue", os.environ.get("SLURM_JOB_ID", "0")])

            signal.signal(signal.SIGUSR1, on_usr1)

    def test(self, validate=False):
        ckpt_path = self.values.get("ckpt_path")
        if not ckpt_path or not os.path.exists(ckpt_path):
            sys.stderr.write("FileNotFoundError: Checkpoint file not found: %s\n" % ckpt_path)
            return 1
        self.check_model()
        state = json.load(open(ckpt_path))
        prefix = "val/" if validate else "test/"
        row = dict({"epoch": max(0, state["epoch"] - 1), "step": 0}, **self.metrics(prefix, state["quality"]))
        self.write_csv(self.logger_dir("lightning_logs"), [row])
        print(json.dumps({k: v for k, v in row.items() if k.startswith(prefix)}))
        return 0

    def predict(self):
        root = self.values.get("data.init_args.predict_data_root")
        out = self.values.get("predict_output_dir")
        if not root or not out:
            sys.stderr.write("predict needs data.init_args.predict_data_root and --predict_output_dir\n")
            return 1
        os.makedirs(out, exist_ok=True)
        for name in sorted(os.listdir(root)):
            if name.endswith(".tif"):
                with open(os.path.join(root, name), "rb") as src, \
                        open(os.path.join(out, name[:-4] + "_pred.tif"), "wb") as dst:
                    dst.write(src.read())
        return 0


def main(argv):
    sub, configs, values, callbacks, plugins = parse(argv)
    cfg = read_config(configs)
    check_data_args(cfg, values)
    run = Run(sub, cfg, values, callbacks, plugins)
    if sub == "fit":
        return run.fit()
    if sub in ("test", "validate"):
        return run.test(validate=sub == "validate")
    return run.predict()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Loggers as Lightning lays them out (cli.csv csv_logger_layout, csv_logger_rows, default_logger)."""

import csv
import os
import re
import sys

import yaml


def _next_version(base):
    found = [int(m.group(1)) for d in (os.listdir(base) if os.path.isdir(base) else [])
             if (m := re.fullmatch(r"version_(\d+)", d)) and os.path.isdir(os.path.join(base, d))]
    return max(found) + 1 if found else 0


class CsvLog:
    """<save_dir>/<name>/version_<n>/metrics.csv: sorted header of every key seen, one row per log call."""

    def __init__(self, save_dir, name="lightning_logs", version=None, flush_logs_every_n_steps=100, prefix=""):
        base = os.path.join(str(save_dir), name) if name else str(save_dir)
        version = _next_version(base) if version is None else version
        self.log_dir = os.path.join(base, version if isinstance(version, str) else f"version_{version}")
        self.save_dir, self.name, self.version = str(save_dir), name, version
        self.flush, self.prefix = int(flush_logs_every_n_steps), prefix
        self.path = os.path.join(self.log_dir, "metrics.csv")
        if os.path.isdir(self.log_dir) and os.listdir(self.log_dir):
            print(f"Experiment logs directory {self.log_dir} exists and is not empty. Previous log files in this "
                  "directory will be deleted when the new ones are saved!", file=sys.stderr)
            if os.path.isfile(self.path):
                os.remove(self.path)
        self.keys, self.rows, self.pending = [], [], []

    def log(self, metrics, step):
        row = {(self.prefix + "-" + k if self.prefix else k): v for k, v in metrics.items()}
        row["step"] = step
        self.pending.append(row)
        if (step + 1) % self.flush == 0:
            self.save()

    def save(self):
        if not self.pending:
            return
        self.rows += self.pending
        self.pending = []
        self.keys = sorted(set(self.keys).union(*self.rows))
        os.makedirs(self.log_dir, exist_ok=True)
        with open(self.path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.keys)
            writer.writeheader()
            writer.writerows(self.rows)

    def finalize(self, hparams):
        self.save()
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "hparams.yaml"), "w") as f:
            yaml.safe_dump(hparams, f)


class TensorBoardLog(CsvLog):
    """Lightning's default when tensorboard is importable: the same folders, an event file, no metrics.csv."""

    def __init__(self, save_dir, version=None):
        super().__init__(save_dir, "lightning_logs", version)
        os.makedirs(self.log_dir, exist_ok=True)
        open(os.path.join(self.log_dir, "events.out.tfevents.standin"), "a").close()

    def log(self, metrics, step):
        pass

    def save(self):
        pass


def tensorboard_available(version):
    """TerraTorch 1.1.1 and 1.2.13 list tensorboard as a dependency (cli.csv default_logger); 1.0.2 and 1.1.0
    do not, so they are taken to run without it. CAIRN_STANDIN_TENSORBOARD=0/1 overrides."""
    env = os.environ.get("CAIRN_STANDIN_TENSORBOARD")
    if env is not None:
        return env == "1"
    return version in ("1.1.1", "1.2.13")


def make_loggers(trainer, specs, root, version, slurm_job_id):
    """Loggers for trainer.logger: False -> none; unset/True -> default; class specs -> those."""
    logger = trainer.get("logger")
    if logger is False:
        return []
    if logger in (None, True):
        if tensorboard_available(version):
            return [TensorBoardLog(root, slurm_job_id)]
        return [CsvLog(root)]
    out = []
    for full, args in specs:
        if full.endswith("CSVLogger"):
            out.append(CsvLog(args["save_dir"], args.get("name"), args.get("version"),
                              args.get("flush_logs_every_n_steps") or 100, args.get("prefix") or ""))
    return out

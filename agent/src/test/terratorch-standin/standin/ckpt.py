"""Checkpoints: JSON files named and kept as Lightning names and keeps them (cli.csv model_checkpoint_*,
on_exception_checkpoint*, hpc_ckpt, resume_state, fit_auto_resume_last, slurm_hpc_auto_resume)."""

import glob
import json
import os
import re

from .errors import MisconfigurationException


def save(path, state):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, path)


def load(path):
    if not os.path.exists(path):
        raise FileNotFoundError(f"Checkpoint file not found: {path}")
    try:
        with open(path) as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise RuntimeError(f"stand-in: {path} is not a checkpoint this stand-in wrote (JSON)") from e


def format_name(template, metrics, auto_insert=True):
    """ModelCheckpoint._format_checkpoint_name: '{epoch}-{step}' -> 'epoch=0-step=4'."""
    filename = template or "{epoch}-{step}"
    groups = sorted(re.findall(r"(\{.*?)[:\}]", filename), key=len, reverse=True)
    values = dict(metrics)
    for group in groups:
        name = group[1:]
        if auto_insert:
            filename = filename.replace(group, name + "={" + name)
        filename = filename.replace(group, "{0[" + name + "]")
        values.setdefault(name, 0)
    return filename.format(values)


class ModelCheckpoint:
    def __init__(self, args, default_dir, terratorch_state_key=""):
        self.args = args
        self.dirpath = str(args.get("dirpath") or default_dir)
        self.monitor, self.mode = args.get("monitor"), args.get("mode") or "min"
        self.top_k = 1 if args.get("save_best_only") else int(args.get("save_top_k", 1))
        self.weights_only = bool(args.get("save_weights_only"))
        self.save_last = args.get("save_last")
        self.every = int(args.get("every_n_epochs") or 1)
        self.key = f"ModelCheckpoint{{'monitor': {self.monitor!r}, 'mode': {self.mode!r}{terratorch_state_key}}}"
        self.best = {}  # path -> score
        self.best_model_path, self.last_model_path = "", ""

    def state(self):
        return {"dirpath": self.dirpath, "best_model_path": self.best_model_path, "best_k_models": self.best,
                "last_model_path": self.last_model_path}

    def restore(self, state):
        if state.get("dirpath") == self.dirpath:  # same folder: the whole state comes back
            self.best = dict(state.get("best_k_models", {}))
            self.last_model_path = state.get("last_model_path", "")
        self.best_model_path = state.get("best_model_path", "")

    def _path(self, template, metrics, keep=""):
        name = format_name(template, metrics, self.args.get("auto_insert_metric_name", True))
        path, ver = os.path.join(self.dirpath, name + ".ckpt"), 1
        while os.path.exists(path) and path != keep and self.args.get("enable_version_counter", True):
            path, ver = os.path.join(self.dirpath, f"{name}-v{ver}.ckpt"), ver + 1
        return path

    def on_validation_end(self, epoch, candidates, write, val_ran):
        """Save as Lightning does at validation end; raise when the monitor is not logged."""
        if (epoch + 1) % self.every:
            return
        if self.top_k != 0 and self.monitor is not None and self.monitor not in candidates:
            message = (f"`ModelCheckpoint(monitor={self.monitor!r})` could not find the monitored key in the returned"
                       f" metrics: {list(candidates)}. HINT: Did you call `log({self.monitor!r}, value)` in the "
                       "`LightningModule`?")
            if val_ran:
                raise MisconfigurationException(message)
            print(message)
        elif self.top_k != 0 and self.monitor is None:
            previous = self.best_model_path
            self.best_model_path = self._path(self.args.get("filename"), candidates, previous)
            write(self.best_model_path, self.weights_only, self)
            if self.top_k == 1 and previous and previous != self.best_model_path and os.path.exists(previous):
                os.remove(previous)
        elif self.top_k != 0:
            self._top_k(candidates, write)
        if self.save_last:
            path = self._path("last", candidates, self.last_model_path)
            write(path, self.weights_only, self)
            self.last_model_path = path

    def _top_k(self, candidates, write):
        score = float(candidates[self.monitor])
        better = (lambda a, b: a < b) if self.mode == "min" else (lambda a, b: a > b)
        k = len(self.best) + 1 if self.top_k == -1 else self.top_k
        if len(self.best) >= k:
            worst = max(self.best, key=self.best.get) if self.mode == "min" else min(self.best, key=self.best.get)
            if not better(score, self.best[worst]):
                return
            del self.best[worst]
            if os.path.exists(worst):
                os.remove(worst)
        path = self._path(self.args.get("filename"), candidates)
        self.best[path] = score
        pick = min if self.mode == "min" else max
        self.best_model_path = pick(self.best, key=self.best.get)
        write(path, self.weights_only, self)


def last_candidates(callbacks, on_exception_paths):
    """_parse_ckpt_path 'last': on-exception files and every ModelCheckpoint's last files, newest first."""
    found = [p for p in on_exception_paths if os.path.exists(p)]
    for cb in callbacks:
        found += glob.glob(os.path.join(cb.dirpath, "last.ckpt")) + glob.glob(os.path.join(cb.dirpath, "last-v*.ckpt"))
    return sorted(found, key=os.path.getmtime, reverse=True)


def hpc_path(root, next_one):
    """hpc_ckpt_<n>.ckpt in default_root_dir: the highest existing n, or that plus one to save."""
    numbers = [int(m.group(1)) for p in glob.glob(os.path.join(root, "hpc_ckpt_*.ckpt"))
               if (m := re.search(r"hpc_ckpt_(\d+)\.ckpt$", p))]
    if not next_one:
        return os.path.join(root, f"hpc_ckpt_{max(numbers)}.ckpt") if numbers else None
    return os.path.join(root, f"hpc_ckpt_{(max(numbers) if numbers else 0) + 1}.ckpt")

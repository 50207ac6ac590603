"""Instantiation in LightningCLI's order and every check that can be made before the first batch."""

import os
import signal

from . import ckpt
from .build import DataModule, Model
from .config import ParseError, check_optimizer, check_spec, check_trainer
from .errors import MisconfigurationException
from .logs import make_loggers


class EarlyStopping:
    def __init__(self, args):
        self.monitor, self.mode = args["monitor"], args.get("mode") or "min"
        self.patience, self.strict = int(args.get("patience", 3)), args.get("strict", True)
        self.min_delta, self.best, self.wait = abs(float(args.get("min_delta") or 0.0)), None, 0

    def check(self, candidates, val_ran):
        if self.monitor not in candidates:
            if self.strict and val_ran:  # early_stopping.py _validate_condition_metric
                raise RuntimeError(f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                                   "Pass in or modify your `EarlyStopping` callback to use any of the following: "
                                   f"`{'`, `'.join(candidates)}`")
            return False
        value = float(candidates[self.monitor])
        sign = 1 if self.mode == "min" else -1
        if self.best is None or sign * (self.best - value) > self.min_delta:
            self.best, self.wait = value, 0
            return False
        self.wait += 1
        return self.wait >= self.patience


class Setup:
    def __init__(self, contract, sub, cfg):
        self.c, self.sub, self.cfg = contract, sub, cfg
        for key in ("model", "data"):
            if cfg.get(key) is None:
                raise ParseError(f'Key "{key}" is required but not included in config object or its value is None.')
        self.model_class, self.model_args = check_spec(contract, "model", cfg["model"], "terratorch.tasks")
        self.dm_class, self.dm_args = check_spec(contract, "data", cfg["data"], "terratorch.datamodules")
        self.trainer = check_trainer(contract, cfg)
        seed = cfg.get("seed_everything")
        self.seed = seed if isinstance(seed, int) and not isinstance(seed, bool) else 0
        self.root = str(self.trainer.get("default_root_dir") or os.getcwd())
        self.batch_seconds = float(os.environ.get("CAIRN_STANDIN_BATCH_SECONDS", "0.05"))
        self.log_every = int(self.trainer.get("log_every_n_steps") or 50)

    def instantiate(self):
        """data then model then trainer, each failing as upstream does (build.py)."""
        self.dm = DataModule(self.c, self.dm_class, self.dm_args)
        self.model = Model(self.c, self.model_class, self.model_args)
        self.kind = self.model.task
        self.opt_name, self.lr = check_optimizer(self.cfg, float(self.model_args.get("lr") or 0.001))
        if self.cfg.get("optimizer") is None and self.model_args.get("optimizer"):
            self.opt_name = self.model_args["optimizer"]
        self._slurm()
        job = os.environ.get("SLURM_JOB_ID", "")  # SLURMEnvironment.job_id(): the TensorBoard version
        interactive = os.environ.get("SLURM_JOB_NAME") in ("bash", "interactive")
        job = int(job) if job.isdigit() and not interactive else None
        self.loggers = make_loggers(self.trainer, self.trainer.get("logger") or [], self.root, self.c.version, job)
        self._callbacks()

    def _slurm(self):
        """cli.csv slurm_detect / slurm_ntasks; SLURMEnvironment(auto_requeue=True, requeue_signal=SIGUSR1)."""
        env = os.environ
        self.slurm = "SLURM_NTASKS" in env and env.get("SLURM_JOB_NAME") not in ("bash", "interactive")
        plugin = next((a for f, a in self.trainer["plugins"] if f.endswith("SLURMEnvironment")), {})
        self.auto_requeue = plugin.get("auto_requeue", True) is not False
        self.requeue_signal = getattr(signal, str(plugin.get("requeue_signal") or "SIGUSR1").split(".")[-1])
        if not self.slurm:
            return
        ntasks = int(env.get("SLURM_NTASKS", "1"))
        if ntasks > 1 and "SLURM_NTASKS_PER_NODE" not in env:
            raise RuntimeError(f"You set `--ntasks={ntasks}` in your SLURM bash script, but this variable is not "
                               f"supported. HINT: Use `--ntasks-per-node={ntasks}` instead.")
        devices = self.trainer.get("devices")
        devices = len(devices) if isinstance(devices, list) else (devices if isinstance(devices, int) else 1)
        per_node = env.get("SLURM_NTASKS_PER_NODE")
        if per_node is not None and int(per_node) != devices:
            raise ValueError(f"You set `devices={devices}` in Lightning, but the number of tasks per node configured "
                             f"in SLURM `--ntasks-per-node={per_node}` does not match. HINT: Set `devices={per_node}`.")

    def _callbacks(self):
        log_dir = self.loggers[0].log_dir if self.loggers else self.root
        default_dir = os.path.join(log_dir, "checkpoints")
        self.checkpoints, self.early_stopping, self.on_exception_paths, self.lr_monitor = [], [], [], False
        specs = list(self.trainer["callbacks"])
        enable = self.trainer.get("enable_checkpointing")
        if enable and not any("ModelCheckpoint" in f for f, _ in specs):  # cli.csv default_checkpointing
            sd = "terratorch.cli_tools.StateDictAwareModelCheckpoint"
            specs += [(sd, {"filename": "{epoch}", "monitor": "val/loss"}),
                      (sd, {"filename": "{epoch}_state_dict", "save_weights_only": True, "monitor": "val/loss"})]
        for full, args in specs:
            if full.endswith("ModelCheckpoint"):
                extra = f", 'save_weights_only': {bool(args.get('save_weights_only'))}" if "StateDict" in full else ""
                self.checkpoints.append(ckpt.ModelCheckpoint(args, default_dir, extra))
            elif full.endswith("OnExceptionCheckpoint"):
                self.on_exception_paths.append(os.path.join(str(args["dirpath"]), (args.get("filename") or
                                                                                   "on_exception") + ".ckpt"))
            elif full.endswith("EarlyStopping"):
                self.early_stopping.append(EarlyStopping(args))
            elif full.endswith("LearningRateMonitor"):
                self.lr_monitor = True
        if enable is not False and not self.checkpoints and self.sub == "fit":
            self.checkpoints.append(ckpt.ModelCheckpoint({}, default_dir))

    def check_data(self):
        """setup(stage), the dataloaders, the first batch; then the monitors a fit will ask for."""
        self.files = self.dm.dataset(self.sub if self.sub != "compute_statistics" else "fit")
        first = next(iter(self.files.values()))[0]
        self.dm.first_sample(first)
        self.model.first_batch(self.dm)
        given = self.cfg.get("ckpt_path")
        if given not in (None, "last", "best", "hpc") and not os.path.exists(given):
            raise FileNotFoundError(f"Checkpoint file not found: {given}")
        if self.sub == "predict":  # CustomWriter.write_on_batch_end, cli.csv predict_without_filenames
            if not self.dm.generic:
                raise TypeError("'NoneType' object is not iterable")
            if self.cfg.get("predict_output_dir") is None:
                raise TypeError("stat: path should be string, bytes, os.PathLike or integer, not NoneType")
        if self.sub == "fit" and self.runs_val():
            names = {"val/loss", "train/loss", "epoch", "step"} | set(self.c.metrics(self.model_class, "val",
                                                                                     self.class_labels()))
            if self.lr_monitor:
                names.add(f"lr-{self.opt_name}")
            for cb in self.checkpoints:
                cb_names = dict.fromkeys(names, 0.0)
                if cb.top_k != 0 and cb.monitor is not None and cb.monitor not in cb_names:
                    cb.on_validation_end(0, cb_names, lambda *a: None, True)
            for es in self.early_stopping:
                es.check(dict.fromkeys(names, 0.0), True)

    # -- helpers ---------------------------------------------------------------------------------
    def batches(self, role):
        n = int(os.environ.get("CAIRN_STANDIN_BATCHES", "4"))
        limit = self.trainer.get({"train": "limit_train_batches", "val": "limit_val_batches",
                                  "test": "limit_test_batches", "predict": "limit_predict_batches"}[role])
        if isinstance(limit, bool) or limit is None:
            return n
        return min(n, limit) if isinstance(limit, int) else int(n * float(limit))

    def runs_val(self):
        return self.batches("val") > 0 and "val" in self.files

    def sanity_steps(self):
        steps = self.trainer.get("num_sanity_val_steps")
        return 2 if steps is None else int(steps)

    def limits(self):
        max_epochs, max_steps = self.trainer.get("max_epochs"), int(self.trainer.get("max_steps") or -1)
        if max_epochs is None and max_steps == -1:
            max_epochs = 1000
        return max_epochs, max_steps

    def class_labels(self):
        names = self.model_args.get("class_names")
        return names if names else list(range(int(self.model.num_classes or 0)))

    def hparams(self):
        return {k: v for k, v in self.model_args.items() if isinstance(v, (int, float, str, bool, list, dict))}

    def ckpt_path(self):
        """cli.csv slurm_hpc_auto_resume, fit_auto_resume_last: what ckpt_path None, hpc, last, best mean."""
        path = self.cfg.get("ckpt_path")
        if path is None and self.slurm and ckpt.hpc_path(self.root, False):
            path = "hpc"
        if path is None and self.on_exception_paths and self.sub == "fit":
            path = "last"
        if path == "hpc":
            path = ckpt.hpc_path(self.root, False)
            if path is None:
                raise ValueError(f'`.{self.sub}(ckpt_path="hpc")` is set but no HPC checkpoint was found.')
        elif path == "last":
            found = ckpt.last_candidates(self.checkpoints, self.on_exception_paths)
            if not found:
                print(f'.{self.sub}(ckpt_path="last") is set, but there is no last checkpoint available. No '
                      "checkpoint will be loaded. HINT: Set `ModelCheckpoint(..., save_last=True)`.")
                return None
            path = found[0]
        elif path == "best":
            best = next((cb.best_model_path for cb in self.checkpoints if cb.best_model_path), None)
            if best is None:
                raise MisconfigurationException(f'`.{self.sub}(ckpt_path="best")` is set but `ModelCheckpoint` is '
                                                "not configured to save the best model.")
            path = best
        return path

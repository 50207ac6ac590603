"""fit / validate / test / predict as Lightning runs them, at stand-in speed (cli.csv sigterm_*, hpc_ckpt ...)."""

import os
import shutil
import signal
import subprocess
import sys
import time

import yaml

from . import ckpt, tiff, values
from .errors import SIGTERMException
from .setup import Setup


class Run(Setup):
    def __init__(self, contract, sub, cfg):
        super().__init__(contract, sub, cfg)
        self.sigterm = self.sigusr = False
        self.epoch = self.batch = self.global_step = 0
        self.trained = 0.0
        self.optimizer_restored = True
        self.candidates = {}

    # -- signals -------------------------------------------------------------------------------
    def install_signals(self):
        def on_term(signum, _frame):
            print(f"Received SIGTERM: {signum}", file=sys.stderr)
            if self.slurm and self.auto_requeue:
                print(f"Bypassing SIGTERM: {signum}", file=sys.stderr)
            self.sigterm = True

        signal.signal(signal.SIGTERM, on_term)
        if self.slurm and self.auto_requeue:
            signal.signal(self.requeue_signal, lambda *_: setattr(self, "sigusr", True))

    def _sleep(self):
        end = time.monotonic() + self.batch_seconds
        while True:
            if self.sigusr:
                self.sigusr = False
                self._requeue()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.01))

    def _requeue(self):
        print(f"Handling auto-requeue signal: {self.requeue_signal}", file=sys.stderr)
        for log in self.loggers:
            log.finalize(self.hparams())
        self.write(ckpt.hpc_path(self.root, True), False)
        job = os.environ.get("SLURM_JOB_ID")
        if os.environ.get("SLURM_ARRAY_JOB_ID"):
            job = f"{os.environ['SLURM_ARRAY_JOB_ID']}_{os.environ['SLURM_ARRAY_TASK_ID']}"
        result = subprocess.call(f"scontrol requeue {job}", shell=True)
        print(("Requeued SLURM job: " if result == 0 else "Requeuing SLURM job failed: ") + str(job), file=sys.stderr)

    # -- checkpoints -----------------------------------------------------------------------------
    def write(self, path, weights_only, _callback=None):
        state = {"standin": "cairn terratorch stand-in", "terratorch_version": self.c.version,
                 "pytorch-lightning_version": self.c.lightning, "epoch": self.epoch, "global_step": self.global_step,
                 "state_dict": {"trained_epochs": self.trained, "lr": self.lr, "backbone": self.model.backbone,
                                "in_chans": self.model.in_chans},
                 "hyper_parameters": self.hparams(),
                 "cairn_standin": {"kind": self.kind, "num_classes": self.model.num_classes, "seed": self.seed,
                                   "samples": values.samples(self.kind, self.lr, self.trained, self.seed,
                                                             self.model.num_classes)}}
        if not weights_only:
            state["loops"] = {"fit_loop": {"epoch": self.epoch, "batches_done": self.batch}}
            fitting = self.sub == "fit"
            state["optimizer_states"] = [{"name": self.opt_name, "lr": self.lr, "step": self.global_step}] \
                if fitting and self.optimizer_restored else []
            state["callbacks"] = {cb.key: cb.state() for cb in self.checkpoints}
        ckpt.save(path, state)

    def resume(self):
        path = self.ckpt_path()
        if path is None:
            return
        print(f"Restoring states from the checkpoint path at {path}", file=sys.stderr)
        state = ckpt.load(path)
        self.trained = float(state.get("state_dict", {}).get("trained_epochs", 0.0))
        if self.sub != "fit":
            return
        loops = state.get("loops")
        if loops is not None:
            fit = loops["fit_loop"]
            done = fit["batches_done"] >= self.batches("train")
            self.epoch = fit["epoch"] + (1 if done else 0)
            self.batch = 0 if done else fit["batches_done"]
            self.global_step = int(state.get("global_step", 0))
        if "optimizer_states" not in state:
            raise KeyError("Trying to restore optimizer state but checkpoint contains only the model."
                           " This is probably due to `ModelCheckpoint.save_weights_only` being set to `True`.")
        if not state["optimizer_states"]:
            self.optimizer_restored = False
            print("standin: the checkpoint holds no optimizer state: the optimizer starts fresh", file=sys.stderr)
        for cb in self.checkpoints:
            if cb.key in state.get("callbacks", {}):
                cb.restore(state["callbacks"][cb.key])

    # -- loops ---------------------------------------------------------------------------------
    def log(self, metrics):
        for log in self.loggers:
            log.log(metrics, max(self.global_step - 1, 0))

    def evaluate(self, stage, role):
        n = self.batches(role)
        for i in range(n):
            self._sleep()
            if self.sigterm and i < n - 1:  # evaluation_loop: not after the last batch
                raise SIGTERMException()
        if n == 0:
            return {}
        prefix = {"val": "val", "test": "test"}[role]
        metrics = {f"{prefix}/loss": values.loss(self.kind, self.lr, self.trained, self.seed, prefix)}
        for name in self.c.metrics(self.model_class, prefix, self.class_labels()):
            metrics[name] = values.metric(self.kind, name, self.lr, self.trained, self.seed, prefix)
        metrics["epoch"] = self.epoch if stage == "fit" else 0
        self.log(metrics)
        return metrics

    def fit(self):
        max_epochs, max_steps = self.limits()
        nb = self.batches("train")
        while max_epochs is None or self.epoch < max_epochs:
            if self.sigterm:  # fit_loop.on_advance_start
                raise SIGTERMException()
            if self.lr_monitor:
                self.candidates[f"lr-{self.opt_name}"] = self.lr
                for log in self.loggers:
                    log.log({f"lr-{self.opt_name}": self.lr}, max(self.global_step - 1, 0))
            while self.batch < nb:
                self._sleep()
                self.batch += 1
                self.global_step += 1
                self.trained = self.epoch + self.batch / nb
                step_loss = values.loss(self.kind, self.lr, self.trained, self.seed, "train", self.global_step)
                self.candidates["train/loss"] = step_loss
                if self.global_step % self.log_every == 0:
                    self.log({"train/loss": step_loss, "epoch": self.epoch})
                last = self.batch == nb and self.epoch + 1 == max_epochs
                if self.sigterm and not last:  # training_epoch_loop.on_advance_end
                    raise SIGTERMException()
                if max_steps != -1 and self.global_step >= max_steps:
                    break
            val = self.evaluate("fit", "val") if self.runs_val() else {}
            self.candidates.update(val)
            self.candidates.update({"epoch": self.epoch, "step": self.global_step})
            for cb in self.checkpoints:
                cb.on_validation_end(self.epoch, dict(self.candidates), self.write, bool(val))
            stop = any(es.check(self.candidates, bool(val)) for es in self.early_stopping)
            train = {n: values.metric(self.kind, n, self.lr, self.trained, self.seed, "train")
                     for n in self.c.metrics(self.model_class, "train", self.class_labels())}
            self.candidates.update(train)
            self.log({**train, "epoch": self.epoch})
            self.epoch += 1
            self.batch = 0
            if stop or (max_steps != -1 and self.global_step >= max_steps):
                break

    def predict(self):
        files = self.files["predict"]
        out_dir = self.cfg.get("predict_output_dir")
        for i, path in enumerate(files):
            self._sleep()  # prediction_loop: never checks received_sigterm
            if not os.path.exists(out_dir):
                os.makedirs(out_dir, exist_ok=True)
            prefix = self.cfg.get("output_file_prefix")
            stem = prefix or os.path.splitext(os.path.basename(path))[0]
            _, label, pred = values.samples(self.kind, self.lr, self.trained, self.seed, self.model.num_classes,
                                            count=1)[0]
            tiff.write(os.path.join(out_dir, f"{stem}_pred.tif"), pred, self.cfg.get("out_dtype") or "int16")

    def save_config(self):
        """cli.csv config_save, config_copy: config.yaml (and the first --config file) in the log dir."""
        log_dir = self.loggers[0].log_dir if self.loggers else self.root
        os.makedirs(log_dir, exist_ok=True)
        with open(os.path.join(log_dir, "config.yaml"), "w") as f:
            yaml.safe_dump({k: v for k, v in self.cfg.items() if k != "config"}, f)
        first = (self.cfg.get("config") or [None])[0]
        if first and os.path.abspath(first) != os.path.abspath(os.path.join(log_dir, os.path.basename(first))):
            shutil.copyfile(first, os.path.join(log_dir, os.path.basename(first)))

    def run(self):
        self.install_signals()
        self.save_config()
        try:
            self.resume()
            if self.sub == "fit":
                if self.runs_val() and self.sanity_steps() > 0:
                    for _ in range(min(self.sanity_steps(), self.batches("val"))):
                        self._sleep()
                self.fit()
            elif self.sub in ("validate", "test"):
                self.evaluate(self.sub, "val" if self.sub == "validate" else "test")
            elif self.sub == "predict":
                self.predict()
        except BaseException:
            for path in self.on_exception_paths:  # OnExceptionCheckpoint.on_exception, any stage
                self.write(path, False)
            for log in self.loggers:
                log.finalize(self.hparams())
            raise
        for path in self.on_exception_paths:  # OnExceptionCheckpoint.teardown
            if os.path.exists(path):
                os.remove(path)
        for log in self.loggers:
            log.finalize(self.hparams())

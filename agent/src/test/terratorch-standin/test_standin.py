"""Self-test of the terratorch stand-in: every rejection the contract table asks for, and the training emulation.

Run: python3 -m unittest discover -s agent/src/test/terratorch-standin -p 'test_standin.py'
"""

import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from standin import tiff  # noqa: E402

H5 = b"\x89HDF\r\n\x1a\n" + b"\0" * 64
TILE = [[float(x + y) for x in range(4)] for y in range(4)]


def crop_data(root):
    for split in ("training", "validation"):
        os.makedirs(os.path.join(root, f"{split}_chips"))
        for i in range(2):
            tiff.write(os.path.join(root, f"{split}_chips", f"chip_{i}_merged.tif"), TILE, "float32", bands=18)
            tiff.write(os.path.join(root, f"{split}_chips", f"chip_{i}.mask.tif"), TILE, "uint8")
        with open(os.path.join(root, f"{split}_data.txt"), "w") as f:
            f.write("chip_0\nchip_1\n")


def landslide_data(root):
    for split in ("train", "validation", "test"):
        for kind, prefix in (("images", "image"), ("annotations", "mask")):
            os.makedirs(os.path.join(root, kind, split))
            with open(os.path.join(root, kind, split, f"{prefix}_1.h5"), "wb") as f:
                f.write(H5)


def biomass_data(root):
    for split in ("train", "val", "test", "predict"):
        for kind in ("images", "labels"):
            os.makedirs(os.path.join(root, f"{split}_{kind}"))
            tiff.write(os.path.join(root, f"{split}_{kind}", "tile_1.tif"), TILE, "float32",
                       bands=11 if kind == "images" else 1)


SIX = ["BLUE", "GREEN", "RED", "NIR_NARROW", "SWIR_1", "SWIR_2"]
LANDSLIDE_SIX = ["BLUE", "GREEN", "RED", "NIR_BROAD", "SWIR_1", "SWIR_2"]


def model(task, backbone="prithvi_eo_v2_300", bands=None, indices=(5, 11, 17, 23), **extra):
    args = {"backbone": backbone, "backbone_pretrained": False, "backbone_bands": bands or SIX, "decoder": "UperNetDecoder",
            "decoder_channels": 64, "necks": [{"name": "SelectIndices", "indices": list(indices)},
                                              {"name": "ReshapeTokensToImage"}], **extra}
    if task == "seg":
        args["num_classes"] = extra.get("num_classes", 13)
        return {"class_path": "terratorch.tasks.SemanticSegmentationTask",
                "init_args": {"model_factory": "EncoderDecoderFactory", "model_args": args}}
    return {"class_path": "terratorch.tasks.PixelwiseRegressionTask",
            "init_args": {"model_factory": "EncoderDecoderFactory", "model_args": args}}


class ContractTableTest(unittest.TestCase):
    def test_every_row_cites_a_repository_tag_and_file(self):
        from standin.contract import contract_dir

        tables = [f for f in os.listdir(contract_dir()) if f.endswith(".csv")]
        self.assertEqual({"init_args.csv", "datamodules.csv", "metrics.csv", "backbones.csv", "cli.csv"}, set(tables))
        for name in tables:
            with open(os.path.join(contract_dir(), name), newline="") as f:
                for i, row in enumerate(csv.DictReader(f), start=2):
                    self.assertRegex(row["source"], r"[\w.-]+/[\w.-]+@[\w.]+(\.\.[\w.]+)?:\S+", f"{name} line {i}")
                    self.assertNotIn(None, row.values(), f"{name} line {i} has too many fields")


class StandinTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="standin-")

    def run_cli(self, sub, cfg, *extra, version="1.1.1", validate_only=True, env=None, background=False):
        path = os.path.join(self.tmp, f"cfg-{len(os.listdir(self.tmp))}.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(cfg, f)
        full = dict(os.environ, CAIRN_STANDIN_TERRATORCH_VERSION=version, CAIRN_STANDIN_BATCH_SECONDS="0.0",
                    CAIRN_STANDIN_VALIDATE_ONLY="1" if validate_only else "0")
        for key in [k for k in full if k.startswith("SLURM_")]:
            full.pop(key)
        full.update(env or {})
        cmd = [os.path.join(HERE, "bin", "terratorch"), sub, "--config", path, *extra]
        if background:
            return subprocess.Popen(cmd, env=full, cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return subprocess.run(cmd, env=full, cwd=self.tmp, capture_output=True, text=True, timeout=120)

    def crop(self, **model_extra):
        root = os.path.join(self.tmp, "crop")
        if not os.path.isdir(root):
            crop_data(root)
        m = model("seg", backbone_num_frames=3, **model_extra)
        m["init_args"]["model_args"]["necks"][1]["effective_time_dim"] = 3
        return {"model": m,
                "data": {"class_path": "terratorch.datamodules.MultiTemporalCropClassificationDataModule",
                         "init_args": {"data_root": root, "batch_size": 2}},
                "trainer": {"max_epochs": 2, "default_root_dir": os.path.join(self.tmp, "run")}}

    def landslide(self, bands, backbone_bands):
        root = os.path.join(self.tmp, "landslide")
        if not os.path.isdir(root):
            landslide_data(root)
        return {"model": model("seg", bands=backbone_bands, num_classes=2),
                "data": {"class_path": "Landslide4SenseNonGeoDataModule", "init_args": {"data_root": root, "bands": bands}}}

    def biomass(self, **data_extra):
        root = os.path.join(self.tmp, "biomass")
        if not os.path.isdir(root):
            biomass_data(root)
        data = {"batch_size": 2, "num_workers": 0, "means": [0.0] * 6, "stds": [1.0] * 6,
                "dataset_bands": [-1] + SIX + [-1] * 4, "output_bands": SIX, **data_extra}
        for split in ("train", "val", "test"):
            data.setdefault(f"{split}_data_root", os.path.join(root, f"{split}_images"))
            data.setdefault(f"{split}_label_data_root", os.path.join(root, f"{split}_labels"))
        return {"model": model("reg"), "data": {"class_path": "GenericNonGeoPixelwiseRegressionDataModule", "init_args": data},
                "trainer": {"default_root_dir": os.path.join(self.tmp, "run")}}

    def test_valid_configs_pass_validate_only(self):
        r = self.run_cli("fit", self.crop())
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertIn("standin: ok fit prithvi_eo_v2_300 MultiTemporalCropClassificationDataModule", r.stdout)
        self.assertEqual(0, self.run_cli("test", self.landslide(LANDSLIDE_SIX, LANDSLIDE_SIX)).returncode)
        self.assertEqual(0, self.run_cli("fit", self.biomass()).returncode)

    def test_unknown_init_arg_exits_2_naming_the_key(self):
        r = self.run_cli("fit", self.biomass(data_root=self.tmp))
        self.assertEqual(2, r.returncode)
        self.assertIn("Key 'data_root' is not expected", r.stderr)

    def test_unknown_dotted_override_exits_2(self):
        r = self.run_cli("fit", self.crop(), "--trainer.max_epoch", "3")
        self.assertEqual(2, r.returncode)
        self.assertIn("trainer.max_epoch", r.stderr)
        self.assertEqual(0, self.run_cli("fit", self.crop(), "--trainer.max_epochs=3").returncode)

    def test_list_append_and_short_notation_reach_the_last_callback(self):
        args = ["--trainer.callbacks+=ModelCheckpoint", "--trainer.callbacks.monitor=val/mIoU",
                "--trainer.callbacks+=OnExceptionCheckpoint", "--trainer.callbacks.dirpath=stop"]
        self.assertEqual(0, self.run_cli("fit", self.crop(), *args).returncode)
        r = self.run_cli("fit", self.crop(), *args, "--trainer.callbacks.filename_x=a")
        self.assertEqual(2, r.returncode)
        self.assertIn("Key 'filename_x' is not expected", r.stderr)
        r = self.run_cli("fit", self.crop(), *args[:2], version="1.0")
        self.assertEqual(1, r.returncode)
        self.assertIn("could not find the monitored key", r.stderr)

    def test_missing_required_arg_exits_2(self):
        cfg = self.crop()
        del cfg["data"]["init_args"]["data_root"]
        r = self.run_cli("fit", cfg)
        self.assertEqual(2, r.returncode)
        self.assertIn('Key "data.init_args.data_root" is required', r.stderr)

    def test_num_classes_is_required_for_segmentation_and_refused_for_regression(self):
        cfg = self.biomass()
        cfg["model"]["init_args"]["model_args"]["num_classes"] = 1
        r = self.run_cli("fit", cfg)
        self.assertEqual(1, r.returncode)
        self.assertIn("unexpected keyword argument 'num_classes'", r.stderr)
        cfg = self.crop()
        del cfg["model"]["init_args"]["model_args"]["num_classes"]
        self.assertIn("num_classes must be defined", self.run_cli("fit", cfg).stderr)

    def test_unknown_band_is_a_key_error(self):
        r = self.run_cli("fit", self.landslide(["COASTAL_AEROSOL"] + LANDSLIDE_SIX, LANDSLIDE_SIX))
        self.assertEqual(1, r.returncode)
        self.assertIn("KeyError: 'COASTAL_AEROSOL'", r.stderr)

    def test_channel_mismatch_fails_at_the_first_batch(self):
        r = self.run_cli("fit", self.landslide(None, LANDSLIDE_SIX))
        self.assertEqual(1, r.returncode)
        self.assertIn("RuntimeError: Given groups=1", r.stderr)
        self.assertIn("to have 6 channels, but got 14 channels instead", r.stderr)

    def test_unlogged_monitor_fails_and_is_version_gated(self):
        cfg = self.crop()
        cfg["trainer"]["callbacks"] = [{"class_path": "ModelCheckpoint", "init_args": {"monitor": "val/Boundary_mIoU"}}]
        r = self.run_cli("fit", cfg, version="1.1.0")
        self.assertEqual(1, r.returncode)
        self.assertIn("could not find the monitored key", r.stderr)
        self.assertEqual(0, self.run_cli("fit", cfg, version="1.1").returncode)
        cfg["trainer"]["callbacks"][0]["init_args"]["monitor"] = "val/mIoU"
        self.assertEqual(1, self.run_cli("fit", cfg, version="1.0").returncode)
        self.assertEqual(0, self.run_cli("fit", cfg, version="1.2").returncode)

    def test_neck_index_past_the_depth_is_an_index_error(self):
        r = self.run_cli("fit", self.crop(backbone="prithvi_eo_v1_100"))
        self.assertEqual(1, r.returncode)
        self.assertIn("IndexError: list index out of range", r.stderr)
        self.assertEqual(0, self.run_cli("fit", self.crop(backbone="prithvi_eo_v1_100", indices=(2, 5, 8, 11))).returncode)

    def test_reshape_time_dim_must_match_the_frames(self):
        cfg = self.crop()
        del cfg["model"]["init_args"]["model_args"]["necks"][1]["effective_time_dim"]
        self.assertIn("Cannot infer grid shape", self.run_cli("fit", cfg).stderr)
        cfg["model"]["init_args"]["model_args"]["necks"][1]["effective_time_dim"] = 3
        self.assertEqual(0, self.run_cli("fit", cfg).returncode)

    def test_backbone_registration_is_version_gated(self):
        cfg = self.crop(backbone="prithvi_eo_v2_tiny_tl", indices=(2, 5, 8, 11))
        r = self.run_cli("fit", cfg, version="1.0")
        self.assertEqual(1, r.returncode)
        self.assertIn("Model prithvi_eo_v2_tiny_tl not found in any registry", r.stderr)
        self.assertEqual(0, self.run_cli("fit", cfg, version="1.1").returncode)

    def test_means_must_match_the_channels(self):
        r = self.run_cli("fit", self.biomass(means=[0.0] * 11))
        self.assertEqual(1, r.returncode)
        self.assertIn("The size of tensor a (6) must match the size of tensor b (11)", r.stderr)

    def test_empty_split_fails_as_torchgeo_does(self):
        cfg = self.biomass(test_data_root=os.path.join(self.tmp, "nothing"))
        r = self.run_cli("test", cfg)
        self.assertEqual(1, r.returncode)
        self.assertIn("GenericNonGeoPixelwiseRegressionDataModule.test_dataset has length 0.", r.stderr)

    def test_predict_writes_int16_by_default(self):
        cfg = self.biomass(predict_data_root=os.path.join(self.tmp, "biomass", "predict_images"))
        out = os.path.join(self.tmp, "preds")
        r = self.run_cli("predict", cfg, "--predict_output_dir", out, validate_only=False)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual("int16", tiff.read_header(os.path.join(out, "tile_1_pred.tif"))["dtype"])
        r = self.run_cli("predict", cfg, "--predict_output_dir", out, "--out_dtype", "float32", validate_only=False)
        self.assertEqual("float32", tiff.read_header(os.path.join(out, "tile_1_pred.tif"))["dtype"])

    def test_crop_test_reads_the_validation_split(self):
        cfg = self.crop()
        r = self.run_cli("test", cfg)
        self.assertEqual(0, r.returncode, r.stderr)
        os.remove(os.path.join(self.tmp, "crop", "validation_data.txt"))
        r = self.run_cli("test", cfg)
        self.assertEqual(1, r.returncode)
        self.assertIn("validation_data.txt", r.stderr)

    def metrics(self, save_dir):
        with open(os.path.join(save_dir, "lightning_logs", "version_0", "metrics.csv")) as f:
            return list(csv.DictReader(f))

    def test_fit_logs_the_versions_metric_names_and_a_bad_lr_trains_worse(self):
        results = {}
        for lr in (1e-4, 5e-3):
            cfg = self.crop()
            save_dir = os.path.join(self.tmp, f"logs-{lr}")
            cfg["model"]["init_args"]["lr"] = lr
            cfg["trainer"]["logger"] = {"class_path": "CSVLogger", "init_args": {"save_dir": save_dir}}
            cfg["trainer"]["default_root_dir"] = os.path.join(self.tmp, f"run-{lr}")
            r = self.run_cli("fit", cfg, validate_only=False)
            self.assertEqual(0, r.returncode, r.stderr)
            rows = self.metrics(save_dir)
            self.assertIn("val/Boundary_mIoU", rows[0])
            results[lr] = float([r for r in rows if r.get("val/mIoU")][-1]["val/mIoU"])
            ckpts = os.listdir(os.path.join(save_dir, "lightning_logs", "version_0", "checkpoints"))
            self.assertEqual(["epoch=1-step=8.ckpt"], ckpts)
            self.assertTrue(os.path.exists(os.path.join(save_dir, "lightning_logs", "version_0", "config.yaml")))
        self.assertGreater(results[1e-4], results[5e-3] + 0.1)

    def wait_for(self, path, process):
        deadline = time.monotonic() + 120
        while not os.path.exists(path):
            self.assertIsNone(process.poll(), "the stand-in ended before it started training")
            self.assertLess(time.monotonic(), deadline, f"{path} never appeared")
            time.sleep(0.05)

    def test_sigterm_in_fit_writes_the_on_exception_checkpoint_and_exits_0(self):
        cfg = self.crop()
        stop_dir = os.path.join(self.tmp, "stop")
        cfg["trainer"]["max_epochs"] = 1000
        cfg["trainer"]["log_every_n_steps"] = 1
        cfg["trainer"]["logger"] = {"class_path": "CSVLogger", "init_args": {"save_dir": self.tmp}}
        cfg["trainer"]["callbacks"] = [{"class_path": "OnExceptionCheckpoint", "init_args": {"dirpath": stop_dir}}]
        p = self.run_cli("fit", cfg, validate_only=False, background=True, env={"CAIRN_STANDIN_BATCH_SECONDS": "0.05"})
        self.wait_for(os.path.join(self.tmp, "lightning_logs", "version_0", "config.yaml"), p)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=120)
        self.assertEqual(0, p.returncode, err)
        self.assertIn("Received SIGTERM", err)
        self.assertTrue(os.path.exists(os.path.join(stop_dir, "on_exception.ckpt")))
        cfg["trainer"]["max_epochs"] = 1
        cfg["trainer"].pop("logger")
        r = self.run_cli("fit", cfg, validate_only=False)
        self.assertIn("Restoring states from the checkpoint path at " + os.path.join(stop_dir, "on_exception.ckpt"),
                      r.stderr)
        self.assertFalse(os.path.exists(os.path.join(stop_dir, "on_exception.ckpt")))  # teardown removes it

    def test_sigusr1_on_slurm_saves_an_hpc_checkpoint_requeues_and_the_next_run_resumes_from_it(self):
        bin_dir = os.path.join(self.tmp, "bin")
        os.makedirs(bin_dir)
        with open(os.path.join(bin_dir, "scontrol"), "w") as f:
            f.write(f'#!/bin/sh\necho "$@" > {self.tmp}/scontrol.args\n')
        os.chmod(os.path.join(bin_dir, "scontrol"), 0o755)
        slurm = {"SLURM_NTASKS": "1", "SLURM_JOB_ID": "4242", "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
        cfg = self.crop()
        cfg["trainer"]["max_epochs"] = 1000
        p = self.run_cli("fit", cfg, validate_only=False, background=True,
                         env={**slurm, "CAIRN_STANDIN_BATCH_SECONDS": "0.05"})
        root = cfg["trainer"]["default_root_dir"]
        self.wait_for(os.path.join(root, "lightning_logs", "version_4242", "config.yaml"), p)
        p.send_signal(signal.SIGUSR1)
        self.wait_for(os.path.join(self.tmp, "scontrol.args"), p)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=120)
        with open(os.path.join(self.tmp, "scontrol.args")) as f:
            self.assertEqual("requeue 4242", f.read().strip())
        self.assertTrue(os.path.exists(os.path.join(root, "hpc_ckpt_1.ckpt")))
        cfg["trainer"]["max_epochs"] = 1
        r = self.run_cli("test", cfg, validate_only=False, env=slurm)
        self.assertIn("Restoring states from the checkpoint path at " + os.path.join(root, "hpc_ckpt_1.ckpt"), r.stderr)
        r = self.run_cli("fit", cfg, validate_only=False, env={**slurm, "SLURM_NTASKS": "2"})
        self.assertEqual(1, r.returncode)
        self.assertIn("HINT: Use `--ntasks-per-node=2` instead.", r.stderr)

    def test_predict_ignores_sigterm_and_runs_to_its_end(self):
        cfg = self.biomass(predict_data_root=os.path.join(self.tmp, "biomass", "predict_images"))
        for i in range(2, 40):
            tiff.write(os.path.join(self.tmp, "biomass", "predict_images", f"tile_{i}.tif"), TILE, "float32", bands=11)
        out = os.path.join(self.tmp, "preds")
        p = self.run_cli("predict", cfg, "--predict_output_dir", out, validate_only=False, background=True,
                         env={"CAIRN_STANDIN_BATCH_SECONDS": "0.2"})
        self.wait_for(os.path.join(out, "tile_1_pred.tif"), p)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=120)
        self.assertEqual(0, p.returncode, err)
        self.assertEqual(39, len(os.listdir(out)))

    def test_predict_needs_file_names_and_an_output_dir(self):
        r = self.run_cli("predict", self.crop(), "--predict_output_dir", self.tmp)
        self.assertEqual(1, r.returncode)
        self.assertIn("TypeError", r.stderr)
        r = self.run_cli("predict", self.biomass(predict_data_root=os.path.join(self.tmp, "biomass", "predict_images")))
        self.assertEqual(1, r.returncode)
        self.assertIn("not NoneType", r.stderr)


if __name__ == "__main__":
    unittest.main()

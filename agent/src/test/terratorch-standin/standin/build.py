"""Datamodule and model construction, each check a row of the contract table (cited inline)."""

import glob
import os
import sys

from . import tiff
from .errors import EinopsError, LocalEntryNotFoundError, MisconfigurationException, RasterioIOError

H5_MAGIC = b"\x89HDF\r\n\x1a\n"


class DataModule:
    """datamodules.csv for one class: bands, channels, which files each stage reads."""

    def __init__(self, contract, class_path, args):
        self.contract, self.class_path, self.args = contract, class_path, args
        self.name = class_path.rsplit(".", 1)[-1]
        self.props = contract.datamodule(class_path)
        self.generic = "Generic" in self.name
        self.frames = 1
        self.channels = None
        if not self.generic:
            table = self.props["bands"].split("|")
            given = args.get("bands")  # the default is the dataset's all_band_names
            self.bands = list(given) if isinstance(given, (list, tuple)) else table
            for band in self.bands:  # datamodules.csv unknown_band_error: MEANS[b] lookup
                if band not in table:
                    raise KeyError(band)
            self.channels = len(self.bands)
            self.indices = [table.index(b) for b in self.bands]

    def stage_splits(self, stage):
        """datamodules.csv stage_splits: role -> split name, e.g. test -> val for crop."""
        pairs = dict(p.split("=") for p in self.props["stage_splits"].split(";"))
        roles = {"fit": ["train", "val"], "validate": ["val"], "test": ["test"], "predict": ["predict"]}[stage]
        out = {}
        splits = pairs[stage].split("+")
        for role in roles:
            out[role] = splits[roles.index(role)] if len(splits) > 1 else splits[0]
        return out

    def files(self, role, split):
        """Image files a split reads, raising as the dataset does when its layout is wrong."""
        a = self.args
        if self.generic:
            root = a.get(f"{role}_data_root") if role != "predict" else a.get("predict_data_root")
            if root is None:
                raise MisconfigurationException(f"{self.name}.setup must define one of ('{role}_dataset', 'dataset').")
            found = sorted(glob.glob(os.path.join(str(root), a.get("img_grep") or "*")))
            split_file = a.get(f"{role}_split") if role != "predict" else None
            if split_file is not None:
                found = _filter(found, _lines(split_file))
            self._check_bands()
            return found
        dirs = dict(p.split("=") for p in self.props["split_dir"].split(" (")[0].split(";"))
        root = str(a["data_root"])
        if self.props["file_format"].startswith("HDF5"):
            return sorted(glob.glob(os.path.join(root, dirs[split], self.props["image_glob"])))
        names = dict(p.split("=") for p in self.props["split_file"].split(" (")[0].split(";"))
        valid = _lines(os.path.join(root, names[split]))  # opened unconditionally: FileNotFoundError
        found = sorted(glob.glob(os.path.join(root, dirs[split], self.props["image_glob"])))
        return _filter(found, valid)

    def _check_bands(self):
        ds, out = self.args.get("dataset_bands"), self.args.get("output_bands")
        if out and not ds:  # the dataset returns (not raises) an Exception from __init__
            raise TypeError("__init__() should return None, not 'Exception'")
        if out and not set(out) <= set(ds):
            raise Exception("Output bands must be a subset of dataset bands")  # noqa: TRY002

    def dataset(self, stage):
        """role -> file list for a stage; an empty one fails as torchgeo's _valid_attribute does."""
        out = {}
        for role, split in self.stage_splits(stage).items():
            files = self.files(role, split)
            if not files:
                raise MisconfigurationException(f"{self.name}.{role}_dataset has length 0.")
            out[role] = files
        return out

    def first_sample(self, path):
        """Open the first file as the dataset would; set channels and frames (the first batch)."""
        if self.props["file_format"].startswith("HDF5"):
            with open(path, "rb") as f:
                if f.read(8) != H5_MAGIC:
                    raise OSError(f"Unable to synchronously open file (file signature not found): '{path}'")
            return
        info = tiff.read_header(path)
        if info is None:
            raise RasterioIOError(f"'{path}': not recognized as being in a supported file format.")
        file_bands = info["bands"]
        if self.generic:
            ds, out = self.args.get("dataset_bands"), self.args.get("output_bands")
            if out:
                for index in (list(ds).index(b) for b in out):
                    if index >= file_bands:
                        raise IndexError(f"index {index} is out of bounds for axis 2 with size {file_bands}")
                self.channels = len(out)
            else:
                self.channels = file_bands
            for key in ("means", "stds"):  # cli.csv means_length: Normalize broadcasts over channels
                values = self.args.get(key)
                if isinstance(values, list) and len(values) not in (1, self.channels):
                    raise RuntimeError(f"The size of tensor a ({self.channels}) must match the size of tensor b "
                                       f"({len(values)}) at non-singleton dimension 1")
            if ds and len(ds) != file_bands:
                print(f"standin: note: dataset_bands lists {len(ds)} bands, {path} has {file_bands} "
                      "(TerraTorch does not check this)", file=sys.stderr)
            return
        if file_bands % self.channels:
            raise EinopsError(f"Shape mismatch, can't divide axis of length {file_bands} in chunks of {self.channels}")
        self.frames = file_bands // self.channels if self.props.get("frames", "1") != "1" else 1
        for index in self.indices:  # band_indices applied to the channel axis after the rearrange
            if index >= self.channels and self.frames > 1:
                raise IndexError(f"index {index} is out of bounds for axis 3 with size {self.channels}")


def _lines(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def _filter(files, valid):
    """datamodules.csv split_file: extensions ignored, substrings allowed."""
    stems = [os.path.splitext(v)[0] for v in valid]
    return sorted(f for f in files if any(s in os.path.splitext(os.path.basename(f))[0] for s in stems))


class Model:
    """EncoderDecoderFactory.build_model against init_args.csv, backbones.csv and cli.csv."""

    def __init__(self, contract, task_class, args):
        self.task = "regression" if "Regression" in task_class else "segmentation"
        ma = args.get("model_args")
        if args.get("model_factory") is None and args.get("model") is None:
            raise ValueError("A model_factory or a model (torch.nn.Module) must be provided.")
        if args.get("model_factory") not in ("EncoderDecoderFactory", "terratorch.models.EncoderDecoderFactory"):
            raise NotImplementedError(f"stand-in: only EncoderDecoderFactory is modelled, not {args.get('model_factory')}")
        ma = dict(ma or {})
        factory = contract.params("terratorch.models.EncoderDecoderFactory.build_model")
        for name in ("backbone", "decoder"):
            if name not in ma:
                raise TypeError(f"build_model() missing 1 required positional argument: '{name}'")
        self.backbone = ma.pop("backbone")
        decoder = ma.pop("decoder")
        bkw = ma.pop("backbone_kwargs", None) or _prefixed(ma, "backbone_")
        dkw = ma.pop("decoder_kwargs", None) or _prefixed(ma, "decoder_")
        hkw = ma.pop("head_kwargs", None) or _prefixed(ma, "head_")
        row = contract.backbone(self.backbone)
        if row is None:
            raise KeyError(f"Model {self.backbone} not found in any registry")
        self.depth, self.embed = int(row["depth"]), int(row["embed_dim"])
        bands = bkw.get("bands")
        self.in_chans = len(bands) if bands else len(row["default_bands"].split("|"))
        self.num_frames = int(bkw.get("num_frames", 1))
        if bkw.get("pretrained"):
            _weights(row)
        # PrithviViT.out_channels = embed_dim * frames (tubelet 1): one entry per block
        channels = [self.embed * self.num_frames] * len(bkw.get("out_indices", range(self.depth)))
        self.time_dim = None
        for op in ma.pop("necks", None) or []:
            if op.get("name") == "ReshapeTokensToImage":
                self.time_dim = int(op.get("effective_time_dim", 1))
            channels = _neck(contract, dict(op), channels)
        _check_kwargs(contract, f"decoder:{decoder}", dkw, skip={"embed_dim"}, missing=f"Model {decoder} not found")
        head = "head:RegressionHead" if self.task == "regression" else "head:SegmentationHead"
        _check_kwargs(contract, head, hkw, skip={"in_channels", "num_classes"}, missing=head)
        self.num_classes = ma.get("num_classes")
        unused = {k: v for k, v in ma.items() if k not in factory or k == "task"}
        if unused:
            raise ValueError(f"arguments {unused} were passed but not used.")
        if self.task == "segmentation" and self.num_classes is None:  # cli.csv num_classes_head
            raise Exception("num_classes must be defined for segmentation task")  # noqa: TRY002
        if self.task == "regression" and self.num_classes is not None:
            raise TypeError("RegressionHead.__init__() got an unexpected keyword argument 'num_classes'")

    def first_batch(self, dm):
        """cli.csv channel_mismatch: the patch embedding is built for in_chans channels."""
        if dm.channels != self.in_chans:
            raise RuntimeError(
                f"Given groups=1, weight of size [{self.embed}, {self.in_chans}, 1, 16, 16], expected input"
                f"[{dm.args.get('batch_size', 1)}, {dm.channels}, {dm.frames}, 224, 224] to have {self.in_chans} channels, "
                f"but got {dm.channels} channels instead")
        if dm.frames != self.num_frames:
            raise RuntimeError(f"The size of tensor a ({dm.frames * 196 + 1}) must match the size of tensor b "
                               f"({self.num_frames * 196 + 1}) at non-singleton dimension 1")
        if self.time_dim is not None and self.time_dim != self.num_frames:  # cli.csv reshape_time_dim
            raise ValueError(f"Cannot infer grid shape from from input tokens ({self.num_frames * 196 + 1}) with "
                             "image_size = (224, 224) in neck ReshapeTokensToImage. ")


def _prefixed(ma, prefix):
    out = {k[len(prefix):]: ma.pop(k) for k in [k for k in ma if k.startswith(prefix)]}
    return out


def _neck(contract, op, channels):
    name = op.pop("name")
    _check_kwargs(contract, f"neck:{name}", op, skip={"channel_list"}, missing=f"Model {name} not found")
    if name == "SelectIndices":  # necks.py SelectIndices.process_channel_list
        for i in op["indices"]:
            if not -len(channels) <= i < len(channels):
                raise IndexError("list index out of range")
        return [channels[i] for i in op["indices"]]
    return channels


def _check_kwargs(contract, cls, kwargs, skip, missing):
    params = contract.params(cls)
    if not params:
        raise KeyError(missing)
    short = cls.split(":")[-1]
    for key in kwargs:
        if key not in params or params[key]["required"] == "varkw":
            if "**kwargs" not in params:
                raise TypeError(f"{short}.__init__() got an unexpected keyword argument '{key}'")
    for name, row in params.items():
        if row["required"] == "required" and name not in skip and name not in kwargs:
            raise TypeError(f"{short}.__init__() missing 1 required positional argument: '{name}'")


def _weights(row):
    """backbones.csv hf_repo_id/hf_filename; only checked when the site runs offline."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() not in ("1", "true", "yes", "on"):
        return
    if not row["hf_repo_id"]:
        raise AssertionError(f"No pre-trained model found for variant {row['name']}")
    hub = os.environ.get("HF_HUB_CACHE") or os.path.join(
        os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface"), "hub")
    folder = os.path.join(hub, "models--" + row["hf_repo_id"].replace("/", "--"), "snapshots")
    if not glob.glob(os.path.join(folder, "*", row["hf_filename"])):
        raise LocalEntryNotFoundError(
            "Cannot find the requested files in the disk cache and outgoing traffic has been disabled. "
            f"({row['hf_repo_id']}/{row['hf_filename']} under {folder})")

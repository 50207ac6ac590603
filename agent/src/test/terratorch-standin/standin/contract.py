"""The contract tables (examples/terratorch/contract/*.csv), read at run time.

Every rule the stand-in enforces comes from a row of these tables; nothing here restates a fact.
"""

import csv
import os

ORDER = ["1.0.2", "1.1.0", "1.1.1", "1.2.13"]
ALIASES = {"1.0": "1.0.2", "1.0.2": "1.0.2", "1.1.0": "1.1.0", "1.1": "1.1.1", "1.1.1": "1.1.1",
           "1.2": "1.2.13", "1.2.13": "1.2.13"}
# The Lightning line each TerraTorch version runs with (cli.csv deps_*): 1.0.2 pins 2.5.1.post0,
# 1.1.x leave it open (the 2.5 line is taken), 1.2.13 needs >= 2.6.0.
LIGHTNING = {"1.0.2": "2.5.1", "1.1.0": "2.5.6", "1.1.1": "2.5.6", "1.2.13": "2.6.5"}


def _key(version):
    return tuple(int(p) for p in version.split("."))


def in_range(version, low, high):
    if low in ("", "none") or high in ("", "none"):
        return False
    return _key(low) <= _key(version) <= _key(high)


def contract_dir():
    env = os.environ.get("CAIRN_STANDIN_CONTRACT_DIR")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    # agent/src/test/terratorch-standin/standin -> repository root
    root = os.path.abspath(os.path.join(here, "..", "..", "..", "..", ".."))
    return os.path.join(root, "examples", "terratorch", "contract")


def _read(name):
    with open(os.path.join(contract_dir(), name), newline="") as f:
        return list(csv.DictReader(f))


class Contract:
    def __init__(self, version):
        self.version = version
        self.lightning = os.environ.get("CAIRN_STANDIN_LIGHTNING_VERSION") or LIGHTNING[version]
        self.init_rows = _read("init_args.csv")
        self.dm_rows = _read("datamodules.csv")
        self.metric_rows = _read("metrics.csv")
        self.backbone_rows = _read("backbones.csv")
        self.cli_rows = _read("cli.csv")

    def _product_version(self, product):
        return {"terratorch": self.version, "lightning": self.lightning}.get(product)

    def classes(self):
        """class_path -> {param: row} for the classes in init_args.csv valid at this version."""
        out = {}
        for row in self.init_rows:
            version = self._product_version(row["product"])
            if version is None or not in_range(version, row["from_version"], row["to_version"]):
                continue
            out.setdefault(row["class_path"], {})[row["param"]] = row
        return out

    def resolve(self, class_path, prefix=""):
        """Full class path for a given (possibly short) name among the table's classes."""
        classes = self.classes()
        if class_path in classes:
            return class_path
        short = class_path.rsplit(".", 1)[-1]
        for name in classes:
            if name.startswith(prefix) and name.rsplit(".", 1)[-1].split(":")[-1] == short:
                return name
        return None

    def params(self, class_path):
        return self.classes().get(class_path, {})

    def datamodule(self, class_path):
        """property -> value for a datamodule at this version."""
        props = {}
        for row in self.dm_rows:
            if row["class_path"] == class_path and in_range(self.version, row["from_version"], row["to_version"]):
                props[row["property"]] = row["value"]
        return props

    def empty_split_rule(self):
        return self.datamodule("torchgeo.datamodules.NonGeoDataModule").get("empty_split", "")

    def metrics(self, task_class, stage, class_labels):
        """Metric keys logged at epoch end for a stage ('train', 'val', 'test')."""
        names = []
        for row in self.metric_rows:
            if row["task_class"] != task_class or not in_range(self.version, row["from_version"], row["to_version"]):
                continue
            if stage not in row["stages"].split("|") or row["name"] == "loss":
                continue
            if "<class>" in row["name"]:
                names += [f"{stage}/" + row["name"].replace("<class>", str(c)) for c in class_labels]
            else:
                names.append(f"{stage}/{row['name']}")
        return names

    def has_loss(self, task_class, stage):
        return any(r["task_class"] == task_class and r["name"] == "loss" and stage in r["stages"].split("|")
                   and in_range(self.version, r["from_version"], r["to_version"]) for r in self.metric_rows)

    def backbone(self, name):
        for row in self.backbone_rows:
            if row["name"] == name and in_range(self.version, row["from_version"], row["to_version"]):
                return row
        return None

    def backbone_names(self):
        return [r["name"] for r in self.backbone_rows if in_range(self.version, r["from_version"], r["to_version"])]

    def cli(self, topic):
        for row in self.cli_rows:
            version = self._product_version(row["product"])
            if row["topic"] == topic and in_range(version, row["from_version"], row["to_version"]):
                return row["fact"]
        return None

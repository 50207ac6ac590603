"""Command line and YAML parsing the way LightningCLI/jsonargparse does it, checked against the table.

A bad key or a missing required argument raises ParseError; main prints usage and
'error: <message>' and exits 2 (cli.csv unknown_key_exit, unknown_init_arg, missing_required).
"""

import copy

import yaml

SUBCOMMANDS = ("fit", "validate", "test", "predict", "compute_statistics")
# LightningCLI's per-subcommand keys plus TerraTorch's add_arguments_to_parser (cli.csv).
COMMON = {"config", "seed_everything", "trainer", "model", "data", "optimizer", "lr_scheduler", "ckpt_path",
          "predict_output_dir", "output_file_prefix", "out_dtype", "deploy_config_file", "custom_modules_path"}
EXTRA = {"validate": {"verbose"}, "test": {"verbose"}, "predict": {"return_predictions"}}
SPEC_KEYS = {"class_path", "init_args", "dict_kwargs"}


class ParseError(Exception):
    pass


def defaults():
    return {"seed_everything": 0, "trainer": {}, "model": None, "data": None, "ckpt_path": None,
            "optimizer": None, "lr_scheduler": None, "predict_output_dir": None, "output_file_prefix": None,
            "out_dtype": "int16", "deploy_config_file": True, "custom_modules_path": None, "config": []}


def _merge(base, new):
    """jsonargparse merge: nested dicts merge; a changed class_path drops the old init_args."""
    if not isinstance(base, dict) or not isinstance(new, dict):
        return copy.deepcopy(new)
    if "class_path" in new and base.get("class_path") not in (None, new["class_path"]):
        base = {}
    out = dict(base)
    for key, value in new.items():
        if key.endswith("+"):  # append in a config file
            out[key[:-1]] = list(out.get(key[:-1]) or []) + (value if isinstance(value, list) else [value])
            continue
        out[key] = _merge(out[key], value) if key in out and isinstance(out[key], dict) else copy.deepcopy(value)
    return out


def _value(text):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _set(cfg, dotted, value):
    """A dotted flag; 'key+' appends to a list, and keys below a list of classes set the last one's
    init_args (jsonargparse list append and short notation)."""
    parts = dotted.split(".")
    if parts[0] in ("model", "data") and len(parts) > 1 and parts[1] not in SPEC_KEYS:
        parts.insert(1, "init_args")  # --data.batch_size is short for --data.init_args.batch_size
    if len(parts) == 1 and parts[0] in ("model", "data") and isinstance(value, str):
        value = {"class_path": value}
    node = cfg
    i = 0
    while i < len(parts) - 1:
        part = parts[i]
        child = node.get(part)
        if isinstance(child, list) and child and isinstance(child[-1], dict):
            node = child[-1]
            if parts[i + 1] not in SPEC_KEYS:
                parts.insert(i + 1, "init_args")
            i += 1
            if parts[i] == "init_args" and i < len(parts) - 1:
                node = node.setdefault("init_args", {})
                i += 1
            continue
        if not isinstance(child, dict):
            node[part] = {}
        node = node[part]
        i += 1
    last = parts[-1]
    if last.endswith("+"):
        items = value if isinstance(value, list) else [value]
        items = [{"class_path": v} if isinstance(v, str) and last[:-1] in ("callbacks", "logger", "plugins") else v
                 for v in items]
        node[last[:-1]] = list(node.get(last[:-1]) or []) + items
        return
    node[last] = _merge(node.get(last), value) if isinstance(value, dict) else value


def parse_argv(argv):
    """(subcommand, config dict, list of config files) from the command line."""
    if not argv or argv[0] in ("-h", "--help"):
        raise SystemExit(0)
    sub = argv[0]
    if sub not in SUBCOMMANDS:
        choices = ", ".join(f"'{s}'" for s in SUBCOMMANDS)
        raise ParseError(f"argument subcommand: invalid choice: '{sub}' (choose from {choices})")
    cfg = defaults()
    allowed = COMMON | EXTRA.get(sub, set())
    i = 1
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("--") or arg == "--":
            raise ParseError(f"Unrecognized arguments: {' '.join(argv[i:])}")
        if "=" in arg:
            key, text = arg[2:].split("=", 1)
        elif i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            key, text = arg[2:], argv[i + 1]
            i += 1
        else:
            raise ParseError(f"Unrecognized arguments: {arg}")
        i += 1
        if key.split(".")[0].rstrip("+") not in allowed:
            raise ParseError(f"Unrecognized arguments: --{key}")
        if key == "config":
            try:
                with open(text) as f:
                    loaded = yaml.safe_load(f) or {}
            except OSError as e:
                raise ParseError(f'Parser key "config":\n  Unable to load config "{text}": {e}') from e
            if not isinstance(loaded, dict):
                raise ParseError(f'Parser key "config":\n  "{text}" is not a mapping')
            for top in loaded:
                if top not in allowed:
                    raise ParseError(f"Validation failed: Key '{top}' is not expected (in {text})")
            cfg = _merge(cfg, loaded)
            cfg["config"] = cfg.get("config", []) + [text]
        else:
            _set(cfg, key, _value(text))
    return sub, cfg


def check_spec(contract, where, spec, prefix=""):
    """Validate a {class_path, init_args} value; returns (full class path, init_args)."""
    if isinstance(spec, str):
        spec = {"class_path": spec}
    if not isinstance(spec, dict) or "class_path" not in spec:
        raise ParseError(f'Parser key "{where}":\n  Expected a dict with a class_path entry, got {spec!r}')
    for key in spec:
        if key not in SPEC_KEYS:
            raise ParseError(f"Parser key \"{where}\":\n  Key '{key}' is not expected")
    given = spec["class_path"]
    full = contract.resolve(given, prefix)
    if full is None:
        raise ParseError(f"Parser key \"{where}\":\n  Problem with given class_path '{given}':\n"
                         f"    not a class of the contract table for TerraTorch {contract.version} (stand-in)")
    params = contract.params(full)
    args = spec.get("init_args") or {}
    for key in args:
        if key not in params or params[key]["required"] == "varkw":
            raise ParseError(f"Parser key \"{where}\":\n  Problem with given class_path '{full}':\n"
                             f"    Validation failed: Key '{key}' is not expected")
    for name, row in params.items():
        if row["required"] == "required" and args.get(name) is None:
            raise ParseError(f'Key "{where}.init_args.{name}" is required but not included in config object '
                             "or its value is None.")
    values = {n: _default(r["default"]) for n, r in params.items() if r["required"] == "optional"}
    values.update(args)
    return full, values


def _default(text):
    try:
        return yaml.safe_load(text.replace("None", "null").replace("True", "true").replace("False", "false"))
    except yaml.YAMLError:
        return text


def check_trainer(contract, cfg):
    """trainer keys against lightning.pytorch.Trainer; callbacks, logger and plugins against their classes."""
    trainer = cfg.get("trainer") or {}
    params = contract.params("lightning.pytorch.Trainer")
    for key in trainer:
        if key not in params:
            raise ParseError(f"Parser key \"trainer\":\n  Key 'trainer.{key}' is not expected")
    values = {n: _default(r["default"]) for n, r in params.items()}
    values.update(trainer)
    callbacks = values.get("callbacks") or []
    if isinstance(callbacks, dict):
        callbacks = [callbacks]
    values["callbacks"] = [check_spec(contract, "trainer.callbacks", c) for c in callbacks]
    logger = values.get("logger")
    if isinstance(logger, (dict, str)):
        logger = [logger]
    if isinstance(logger, list):
        values["logger"] = [check_spec(contract, "trainer.logger", c, "lightning.") for c in logger]
    plugins = values.get("plugins") or []
    if isinstance(plugins, (dict, str)):
        plugins = [plugins]
    values["plugins"] = [check_spec(contract, "trainer.plugins", p, "lightning.") for p in plugins]
    return values


def check_optimizer(cfg, model_lr):
    """torch.optim classes are not in the table: only their lr is read."""
    opt = cfg.get("optimizer")
    if opt is None:
        return "Adam", model_lr  # TerraTorch: optimizer None -> Adam with the task's lr
    if isinstance(opt, str):
        opt = {"class_path": opt}
    name = str(opt.get("class_path", "")).rsplit(".", 1)[-1]
    return name, float((opt.get("init_args") or {}).get("lr", model_lr))

"""terratorch fit|validate|test|predict --config FILE [--dotted.key VALUE ...] [--ckpt_path P]."""

import os
import sys

from .config import SUBCOMMANDS, ParseError, parse_argv
from .contract import ALIASES, Contract

USAGE = ("usage: terratorch [-h] [-c CONFIG] [--print_config[=flags]] "
         "{" + ",".join(SUBCOMMANDS) + "} ...")


def version():
    given = os.environ.get("CAIRN_STANDIN_TERRATORCH_VERSION", "1.1.1")
    if given not in ALIASES:
        print(f"standin: CAIRN_STANDIN_TERRATORCH_VERSION={given} is not one of {', '.join(ALIASES)}; "
              "set one of those", file=sys.stderr)
        raise SystemExit(2)
    return ALIASES[given]


def main(argv):
    from .loops import Run

    contract = Contract(version())
    try:
        sub, cfg = parse_argv(argv)
        run = Run(contract, sub, cfg)
    except ParseError as e:
        print(USAGE, file=sys.stderr)
        print(f"error: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:
        if e.code == 0:
            print(USAGE)
        raise
    run.instantiate()
    run.check_data()
    model = run.model.backbone
    if os.environ.get("CAIRN_STANDIN_VALIDATE_ONLY") == "1":
        print(f"standin: ok {sub} {model} {run.dm.name}")
        return 0
    if sub == "compute_statistics":
        print(f"standin: statistics of {len(run.files.get('train', []))} training files are not computed")
        return 0
    run.run()
    return 0

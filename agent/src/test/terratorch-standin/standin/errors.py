"""Exceptions named as upstream names them, so a log reads like the real one."""


class MisconfigurationException(Exception):
    """lightning.fabric.utilities.exceptions.MisconfigurationException"""


class SIGTERMException(SystemExit):
    """lightning.pytorch.utilities.exceptions.SIGTERMException: a SystemExit without a code (exit 0)."""


class RasterioIOError(OSError):
    """rasterio.errors.RasterioIOError"""


class LocalEntryNotFoundError(FileNotFoundError):
    """huggingface_hub.errors.LocalEntryNotFoundError (message paraphrased, not read from source)"""


class EinopsError(RuntimeError):
    """einops.EinopsError (message paraphrased)"""

#!/usr/bin/env python3
"""Tests of plot_predictions.py's drawing half on small GeoTIFFs the tests write (no TerraTorch).

Run: python3 -m unittest discover -s examples/terratorch -p 'test_*.py'
Needs numpy, matplotlib and rasterio (Debian: python3-matplotlib python3-rasterio).
"""
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

try:
    import rasterio
    from rasterio.transform import from_origin
except ImportError:  # reported by the skip below
    rasterio = None

import plot_predictions  # noqa: E402


def write_tif(path, array, dtype):
    array = np.asarray(array, dtype=dtype)
    if array.ndim == 2:
        array = array[np.newaxis]
    with rasterio.open(path, "w", driver="GTiff", height=array.shape[1], width=array.shape[2],
                       count=array.shape[0], dtype=dtype, crs="EPSG:32617",
                       transform=from_origin(500000, 4100000, 30, 30)) as dst:
        dst.write(array)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG: %s" % path
    return struct.unpack(">II", head[16:24])


@unittest.skipIf(rasterio is None, "python3 lacks rasterio")
class PlotPredictionsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        rng = np.random.default_rng(3)
        self.image = (rng.random((6, 32, 32)) * 3000).astype("int16")
        self.label = (np.arange(32 * 32).reshape(32, 32) // 300).astype("uint8")
        self.prediction = self.label.copy()
        self.prediction[:4] = 0

    def test_plotGeotiffs_writesInputTruthAndPredictionSideBySide(self):
        paths = [os.path.join(self.dir, n) for n in ("tile.tif", "tile_label.tif", "tile_pred.tif")]
        write_tif(paths[0], self.image, "int16")
        write_tif(paths[1], self.label, "uint8")
        write_tif(paths[2], self.prediction, "uint8")
        out = plot_predictions.plot_geotiffs(*paths, os.path.join(self.dir, "plots", "tile.png"), (2, 1, 0))
        width, height = png_size(out)
        self.assertGreater(width, 2.5 * height, "three panels side by side: %dx%d" % (width, height))

    def test_plotTile_regressionAndMultiTemporalInput(self):
        stack = np.stack([self.image] * 3, axis=1)  # [C, T, H, W]
        target = self.label.astype("float32") * 40.0
        out = plot_predictions.plot_tile(stack, target, target + 5.0, os.path.join(self.dir, "b.png"),
                                         (2, 1, 0), "regression", "biomass")
        self.assertTrue(os.path.getsize(out) > 1000)

    def test_rgbComposite_stretchesEachBandToItsPercentiles(self):
        rgb = plot_predictions.rgb_composite(self.image, (2, 1, 0))
        self.assertEqual(rgb.shape, (32, 32, 3))
        self.assertAlmostEqual(float(rgb.min()), 0.0)
        self.assertAlmostEqual(float(rgb.max()), 1.0)
        flat = plot_predictions.rgb_composite(np.ones((3, 4, 4)), (0, 1, 2))
        self.assertFalse(np.isnan(flat).any())

    def test_choose_isAFixedSelectionForASeed(self):
        self.assertEqual(plot_predictions.choose(100, 4, 42), plot_predictions.choose(100, 4, 42))
        self.assertNotEqual(plot_predictions.choose(100, 4, 42), plot_predictions.choose(100, 4, 43))
        self.assertEqual(plot_predictions.choose(3, 4, 42), [0, 1, 2])


if __name__ == "__main__":
    unittest.main()

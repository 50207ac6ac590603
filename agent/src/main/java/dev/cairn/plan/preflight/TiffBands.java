package dev.cairn.plan.preflight;

import com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataFormatImpl;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Node;

/**
 * The band count of a TIFF (GeoTIFF) tile, read from its first image's header with TwelveMonkeys'
 * TIFF reader: its SamplesPerPixel. No pixel is decoded.
 */
final class TiffBands {
  private static final TIFFImageReaderSpi SPI = new TIFFImageReaderSpi();

  private TiffBands() {}

  /** SamplesPerPixel of the first image; throws IOException when the file is not a TIFF. */
  static int of(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null || !SPI.canDecodeInput(in)) {
        throw new IOException("not a TIFF file");
      }
      ImageReader reader = SPI.createReaderInstance();
      try {
        reader.setInput(in, true, false);
        IIOMetadata metadata = reader.getImageMetadata(0);
        Node root = metadata.getAsTree(IIOMetadataFormatImpl.standardMetadataFormatName);
        IIOMetadataNode chroma = child(root, "Chroma");
        IIOMetadataNode channels = chroma == null ? null : child(chroma, "NumChannels");
        if (channels == null) {
          throw new IOException("the TIFF header gives no band count");
        }
        return Integer.parseInt(channels.getAttribute("value").strip());
      } catch (RuntimeException e) {
        throw new IOException("unreadable TIFF header: " + e.getMessage(), e);
      } finally {
        reader.dispose();
      }
    }
  }

  private static @Nullable IIOMetadataNode child(Node parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeName().equals(name) && n instanceof IIOMetadataNode m) {
        return m;
      }
    }
    return null;
  }
}

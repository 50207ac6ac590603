package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class S3CrtUploadsTest {

  @Test
  void encode_keepsUnreservedCharactersAndSlashes() {
    assertEquals(
        "dvc/files/md5/ab/cd-ef_0.9~x", S3CrtUploads.encode("dvc/files/md5/ab/cd-ef_0.9~x"));
  }

  @Test
  void encode_percentEncodesSpacesReservedAndNonAsciiAsUtf8() {
    assertEquals("a%20b/%2B%3D%3F%26/%C3%A9t%C3%A9", S3CrtUploads.encode("a b/+=?&/été"));
  }

  @Test
  void path_isPathStyleUnderTheEndpointsOwnPath() {
    S3CrtUploads plain = uploads("s3://bucket/team/a?endpoint=http://127.0.0.1:9000");
    assertEquals("/bucket/team/a/out%201.bin", plain.path("out 1.bin"));
    S3CrtUploads underPath = uploads("s3://bucket?endpoint=https://gw.example.org/s3/");
    assertEquals("/s3/bucket/out.bin", underPath.path("out.bin"));
  }

  @Test
  void new_needsAnEndpoint() {
    assertThrows(IllegalArgumentException.class, () -> uploads("s3://bucket/p"));
  }

  private static S3CrtUploads uploads(String url) {
    S3Location location = S3Location.parse(url);
    return new S3CrtUploads(location, S3Options.defaults(), null, null);
  }
}

package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3CredentialsTest {
  private static final Map<String, String> ENV =
      Map.of("MY_KEY", "AKIAEXAMPLE", "MY_SECRET", "very-secret-value");

  @Test
  void fromEnvironment_readsTheNamedVariables() {
    S3Credentials c = S3Credentials.fromEnvironment("MY_KEY", "MY_SECRET", ENV);
    assertEquals("AKIAEXAMPLE", c.accessKeyId());
    assertEquals("very-secret-value", c.secretAccessKey());
    assertFalse(c.usesDefaultChain());
  }

  @Test
  void toString_showsNamesButNeverValues() {
    String s = S3Credentials.fromEnvironment("MY_KEY", "MY_SECRET", ENV).toString();
    assertTrue(s.contains("MY_KEY") && s.contains("MY_SECRET"), s);
    assertFalse(s.contains("AKIAEXAMPLE") || s.contains("very-secret-value"), s);
  }

  @Test
  void fromEnvironment_withoutNamesUsesTheDefaultChain() {
    assertTrue(S3Credentials.fromEnvironment(null, " ", ENV).usesDefaultChain());
  }

  @Test
  void fromEnvironment_rejectsOnlyOneName() {
    CairnException e =
        assertThrows(
            CairnException.class, () -> S3Credentials.fromEnvironment("MY_KEY", null, ENV));
    assertTrue(e.getMessage().contains("CAIRN_S3_SECRET_KEY_ENV"), e.getMessage());
  }

  @Test
  void fromEnvironment_namesTheUnsetVariable() {
    CairnException e =
        assertThrows(
            CairnException.class, () -> S3Credentials.fromEnvironment("MY_KEY", "NOPE", ENV));
    assertEquals(
        "CAIRN_S3_SECRET_KEY_ENV names the environment variable NOPE, but it is not set or empty",
        e.getMessage());
  }

  @Test
  void open_picksTheStoreByUrl(@TempDir Path dir) throws Exception {
    try (ObjectStore plain = ObjectStores.open(dir.resolve("a").toString(), null);
        ObjectStore file = ObjectStores.open(dir.resolve("b").toUri().toString(), null);
        ObjectStore s3 =
            ObjectStores.open(
                "s3://bkt/p?endpoint=http://127.0.0.1:9",
                S3Credentials.fromEnvironment("MY_KEY", "MY_SECRET", ENV))) {
      assertInstanceOf(FileObjectStore.class, plain);
      assertEquals(dir.resolve("b").toAbsolutePath(), ((FileObjectStore) file).root());
      assertInstanceOf(S3ObjectStore.class, s3);
      assertEquals("s3://bkt/p (http://127.0.0.1:9)", s3.describe());
    }
  }

  @Test
  void open_rejectsUnknownSchemes() {
    CairnException e =
        assertThrows(CairnException.class, () -> ObjectStores.open("gs://bkt/p", null));
    assertTrue(e.getMessage().contains("'gs://bkt/p'"), e.getMessage());
  }
}

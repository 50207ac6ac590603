package dev.cairn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CairnException;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3LocationTest {

  @Test
  void parse_bucketOnlyMeansAwsAndDefaultRegion() {
    S3Location l = S3Location.parse("s3://my-bucket");
    assertEquals(new S3Location("my-bucket", "", Optional.empty(), "us-east-1"), l);
    assertEquals("s3://my-bucket (AWS S3 (us-east-1))", l.describe());
  }

  @Test
  void parse_readsPrefixEndpointAndRegion() {
    S3Location l =
        S3Location.parse(
            "s3://cairn.results/team/a/?endpoint=https://minio.example.org:9000&region=eu-west-3");
    assertEquals("cairn.results", l.bucket());
    assertEquals("team/a", l.prefix());
    assertEquals(Optional.of(URI.create("https://minio.example.org:9000")), l.endpoint());
    assertEquals("eu-west-3", l.region());
  }

  @Test
  void parse_decodesAnEncodedEndpoint() {
    S3Location l = S3Location.parse("s3://bkt/p?endpoint=http%3A%2F%2F127.0.0.1%3A9000");
    assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), l.endpoint());
  }

  @Test
  void key_joinsPrefixAndRelativeKey() {
    S3Location withPrefix = S3Location.parse("s3://bkt/a/b");
    assertEquals("a/b/runs/x/status.json", withPrefix.key("runs/x/status.json"));
    assertEquals("runs/x/status.json", withPrefix.relative("a/b/runs/x/status.json"));
    S3Location bare = S3Location.parse("s3://bkt");
    assertEquals("config.env", bare.key("config.env"));
    assertEquals("config.env", bare.relative("config.env"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bucket/prefix",
        "http://bucket/prefix",
        "s3://",
        "s3://ab",
        "s3://Upper-Case",
        "s3://bkt:9000/p",
        "s3://user@bkt/p",
        "s3://bkt/p#frag",
        "s3://bkt/a//b",
        "s3://bkt/a/../b",
        "s3://bkt/p?endpoint=ftp://host",
        "s3://bkt/p?endpoint=notaurl",
        "s3://bkt/p?region=US%20EAST",
        "s3://bkt/p?bucket=other",
        "s3://bkt/p?endpoint=http://h:1?x=y"
      })
  void parse_rejectsBadUrlsNamingValueAndForm(String url) {
    CairnException e = assertThrows(CairnException.class, () -> S3Location.parse(url));
    assertTrue(e.getMessage().contains("'" + url + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("expected s3://bucket[/prefix]"), e.getMessage());
  }
}

package dev.cairn.store;

import dev.cairn.CairnException;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns AWS SDK exceptions into one-line messages: what a user must fix becomes a {@link
 * CairnException}, what may pass (throttling, 5xx, an unreachable endpoint) an {@link IOException}
 * that the daemon rides out.
 */
final class S3Errors {
  private static final Set<String> CREDENTIAL_CODES =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "InvalidToken",
          "ExpiredToken",
          "InvalidSecurity",
          "AuthFailure");
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "RequestTimeout",
          "RequestTimeTooSkewed",
          "InternalError",
          "ServiceUnavailable");

  private final S3Location location;
  private final S3Credentials credentials;

  S3Errors(S3Location location, S3Credentials credentials) {
    this.location = location;
    this.credentials = credentials;
  }

  /**
   * Throws a {@link CairnException} for what the user must fix; returns the {@link IOException} to
   * throw for anything that may pass.
   */
  IOException translate(SdkException e, String operation, String key) {
    String what = operation + (key == null ? "" : " " + key);
    String where = "bucket " + location.bucket() + " at endpoint " + location.endpointName();
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      if (code != null && CREDENTIAL_CODES.contains(code)) {
        throw new CairnException(
            "S3 rejected the credentials for "
                + where
                + " ("
                + code
                + "): check the key and secret from "
                + credentials.source(),
            e);
      }
      if ("NoSuchBucket".equals(code)) {
        throw new CairnException(
            "bucket "
                + location.bucket()
                + " does not exist at endpoint "
                + location.endpointName()
                + ": create it or fix the store URL",
            e);
      }
      if ("AccessDenied".equals(code) || (status == 403 && code == null)) {
        throw new CairnException(
            "S3 denied "
                + what
                + " on "
                + where
                + " ("
                + (code == null ? "HTTP 403" : code)
                + "): the credentials from "
                + credentials.source()
                + " are wrong or lack permission",
            e);
      }
      if (status >= 500 || status == 429 || status == 408 || TRANSIENT_CODES.contains(code)) {
        return new IOException(
            "S3 failed " + what + " on " + where + " after retries: " + describe(s3), e);
      }
      throw new CairnException(
          "S3 refused "
              + what
              + " on "
              + where
              + ": "
              + describe(s3)
              + " (is the endpoint an S3 service and the region right?)",
          e);
    }
    if (e instanceof SdkClientException) {
      return new IOException(
          "cannot reach S3 for " + what + " on " + where + ": " + firstLine(e.getMessage()), e);
    }
    return new IOException(
        "S3 failed " + what + " on " + where + ": " + firstLine(e.getMessage()), e);
  }

  private static String describe(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return (code == null ? "" : code + " ")
        + "HTTP "
        + e.statusCode()
        + (message == null ? "" : ", " + firstLine(message));
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "no detail";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}

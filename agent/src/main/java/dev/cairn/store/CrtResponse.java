package dev.cairn.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.http.HttpHeader;
import software.amazon.awssdk.crt.s3.S3FinishedResponseContext;
import software.amazon.awssdk.crt.s3.S3MetaRequestResponseHandler;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One request's answer from the CRT's S3 client: its ETag and, for the small XML answers of the
 * multipart calls, its body; or the error S3 or the runtime gave, as the SDK's exception types.
 */
final class CrtResponse implements S3MetaRequestResponseHandler {
  private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

  /** More than any multipart answer; a larger body is an error, not something to hold. */
  private static final int MAX_BODY = 1 << 20;

  final CompletableFuture<CrtResponse> done = new CompletableFuture<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private volatile @Nullable String etag;

  @Override
  public void onResponseHeaders(int statusCode, HttpHeader[] headers) {
    for (HttpHeader h : headers) {
      if ("ETag".equalsIgnoreCase(h.getName())) {
        etag = h.getValue();
      }
    }
  }

  @Override
  public int onResponseBody(ByteBuffer bodyBytesIn, long objectRangeStart, long objectRangeEnd) {
    int n = bodyBytesIn.remaining();
    synchronized (body) {
      if (body.size() + n <= MAX_BODY) {
        byte[] chunk = new byte[n];
        bodyBytesIn.get(chunk);
        body.write(chunk, 0, n);
      }
    }
    return n;
  }

  @Override
  public void onFinished(S3FinishedResponseContext context) {
    if (context.getErrorCode() == CRT.AWS_CRT_SUCCESS) {
      done.complete(this);
    } else {
      done.completeExceptionally(error(context));
    }
  }

  /** The ETag header, quotes removed. */
  @Nullable String etag() {
    return etag == null ? null : S3ObjectStore.unquoted(etag);
  }

  /** The first match of {@code pattern}'s group 1 in the body, or null. */
  @Nullable String find(Pattern pattern) {
    String text;
    synchronized (body) {
      text = body.toString(StandardCharsets.UTF_8);
    }
    return first(pattern, text);
  }

  static SdkException error(S3FinishedResponseContext context) {
    int status = context.getResponseStatus();
    String crt = CRT.awsErrorName(context.getErrorCode());
    if (status == 0) {
      return SdkClientException.create(crt + ": " + CRT.awsErrorString(context.getErrorCode()));
    }
    byte[] payload = context.getErrorPayload();
    String text = payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
    return s3Error(status, text, crt);
  }

  /** S3's error answer as the SDK's exception: the code and message from its XML body. */
  static SdkException s3Error(int status, String body, String fallbackMessage) {
    String code = first(CODE, body);
    String message = first(MESSAGE, body);
    return S3Exception.builder()
        .statusCode(status)
        .message(message == null ? fallbackMessage : message)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .serviceName("S3")
                .errorCode(code)
                .errorMessage(message)
                .build())
        .build();
  }

  private static @Nullable String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : null;
  }
}

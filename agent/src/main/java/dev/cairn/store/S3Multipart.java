package dev.cairn.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads one file in parts on a bounded pool: each worker reads its part into memory (so that the
 * SDK can retry it), the upload is completed in part order, and aborted when any part fails.
 */
final class S3Multipart {
  private static final Logger LOG = LoggerFactory.getLogger(S3Multipart.class);

  private final S3Client client;
  private final S3Location location;
  private final S3Options options;
  private final ExecutorService pool;

  S3Multipart(S3Client client, S3Location location, S3Options options, ExecutorService pool) {
    this.client = client;
    this.location = location;
    this.options = options;
    this.pool = pool;
  }

  /** Uploads {@code file} to the full key {@code key}; returns the ETag S3 gives the whole. */
  String upload(String key, Path file, long size) throws IOException {
    String uploadId =
        client.createMultipartUpload(b -> b.bucket(location.bucket()).key(key)).uploadId();
    int parts = (int) ((size + options.partSize() - 1) / options.partSize());
    LOG.debug("multipart upload of {} ({} bytes, {} parts)", key, size, parts);
    List<Future<CompletedPart>> futures = new ArrayList<>(parts);
    try {
      for (int i = 0; i < parts; i++) {
        int number = i + 1;
        long offset = i * options.partSize();
        int length = (int) Math.min(options.partSize(), size - offset);
        futures.add(pool.submit(() -> uploadPart(key, uploadId, file, number, offset, length)));
      }
      List<CompletedPart> done = new ArrayList<>(parts);
      for (Future<CompletedPart> f : futures) {
        done.add(f.get());
      }
      return client
          .completeMultipartUpload(
              b ->
                  b.bucket(location.bucket())
                      .key(key)
                      .uploadId(uploadId)
                      .multipartUpload(m -> m.parts(done)))
          .eTag();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(key, uploadId, futures);
      throw new InterruptedIOException("interrupted while uploading " + key);
    } catch (ExecutionException e) {
      abort(key, uploadId, futures);
      Throwable cause = e.getCause();
      if (cause instanceof SdkException sdk) {
        throw sdk;
      }
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      throw new IOException("uploading a part of " + key + " failed: " + cause, cause);
    } catch (RuntimeException e) {
      abort(key, uploadId, futures);
      throw e;
    }
  }

  private CompletedPart uploadPart(
      String key, String uploadId, Path file, int number, long offset, int length) {
    byte[] bytes = new byte[length];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw new IOException(file + " shrank while being uploaded");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String etag =
        client
            .uploadPart(
                b ->
                    b.bucket(location.bucket())
                        .key(key)
                        .uploadId(uploadId)
                        .partNumber(number)
                        .contentLength((long) length),
                RequestBody.fromBytes(bytes))
            .eTag();
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }

  private void abort(String key, String uploadId, List<Future<CompletedPart>> futures) {
    futures.forEach(f -> f.cancel(true));
    try {
      client.abortMultipartUpload(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId));
      LOG.debug("aborted the multipart upload of {}", key);
    } catch (SdkException e) {
      LOG.warn(
          "could not abort the multipart upload of {} on {}: {}",
          key,
          location.describe(),
          e.getMessage());
    }
  }
}

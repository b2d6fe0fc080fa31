package io.wharf.oci.storage;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The identifier of an upload session, safe to use in URLs and file names: 1 to 128 characters of
 * {@code [A-Za-z0-9_-]}. Generated ones are 128 random bits, so that they cannot be guessed.
 *
 * @param value the identifier
 */
public record UploadId(String value) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Validates.
   *
   * @throws NotFoundException with {@link ErrorCode#BLOB_UPLOAD_UNKNOWN}: an identifier that is not
   *     well formed names no upload
   */
  public UploadId {
    if (!ID.matcher(value).matches()) {
      throw new NotFoundException(
          ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload id is not well formed: no such upload");
    }
  }

  /** A new random identifier. */
  public static UploadId random() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return new UploadId(HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return value;
  }
}

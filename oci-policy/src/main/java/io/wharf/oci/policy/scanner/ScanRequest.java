package io.wharf.oci.policy.scanner;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the adapter needs to pull an artifact and scan it ({@code ScanRequest}): the registry's base
 * URL and the {@code Authorization} value it pulls with, the artifact's repository, digest, tag and
 * media type, and (API 1.2) the report types wanted.
 *
 * <p>{@link #toString()} leaves the authorization out.
 *
 * @param registryUrl the registry's base URL ({@code https://registry.example}), to which the
 *     adapter appends {@code /v2/…}: http or https, no user information, query or fragment
 * @param registryAuthorization the {@code Authorization} header value the adapter sends to the
 *     registry (a short-lived {@code Bearer …} token or {@code Basic …}), when the registry wants
 *     one; a secret
 * @param repository the artifact's repository
 * @param digest the artifact's manifest digest
 * @param tag a tag of the artifact, when it has one (for the adapter's report only)
 * @param mimeType the artifact's manifest media type
 * @param reportTypes (API 1.2) the report media types wanted, sent as the {@code vulnerability}
 *     capability's {@code produces_mime_types}; empty asks for everything the adapter makes
 */
public record ScanRequest(
    URI registryUrl,
    Optional<String> registryAuthorization,
    RepositoryName repository,
    Digest digest,
    Optional<Tag> tag,
    MediaType mimeType,
    List<MediaType> reportTypes) {

  /** The longest {@code Authorization} value accepted, here and for the adapter (8 KiB). */
  public static final int MAX_AUTHORIZATION_LENGTH = 8192;

  /** The most report types a request names. */
  public static final int MAX_REPORT_TYPES = 16;

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException when the URL is not an http(s) base URL without user
   *     information, query or fragment, the authorization is not a one-line header value of at most
   *     {@value #MAX_AUTHORIZATION_LENGTH} characters, or there are more than {@value
   *     #MAX_REPORT_TYPES} report types
   */
  public ScanRequest {
    checkBaseUrl(registryUrl, "registryUrl");
    registryAuthorization.ifPresent(a -> checkAuthorization(a, "registryAuthorization"));
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(mimeType, "mimeType");
    reportTypes = List.copyOf(reportTypes);
    if (reportTypes.size() > MAX_REPORT_TYPES) {
      throw new IllegalArgumentException("at most " + MAX_REPORT_TYPES + " report types");
    }
  }

  /**
   * A request to scan manifest {@code digest} (of media type {@code mimeType}) of {@code
   * repository} at the registry {@code registryUrl}, anonymously, without tag, for every report
   * type.
   */
  public static ScanRequest of(
      URI registryUrl, RepositoryName repository, Digest digest, MediaType mimeType) {
    return new ScanRequest(
        registryUrl, Optional.empty(), repository, digest, Optional.empty(), mimeType, List.of());
  }

  /** This request with the {@code Authorization} value the adapter pulls with. */
  public ScanRequest withRegistryAuthorization(String authorization) {
    return new ScanRequest(
        registryUrl, Optional.of(authorization), repository, digest, tag, mimeType, reportTypes);
  }

  /** This request naming {@code tag}. */
  public ScanRequest withTag(Tag tag) {
    return new ScanRequest(
        registryUrl,
        registryAuthorization,
        repository,
        digest,
        Optional.of(tag),
        mimeType,
        reportTypes);
  }

  /** This request asking for reports of {@code reportTypes} (API 1.2). */
  public ScanRequest withReportTypes(List<MediaType> reportTypes) {
    return new ScanRequest(
        registryUrl, registryAuthorization, repository, digest, tag, mimeType, reportTypes);
  }

  /** The request without its authorization. */
  @Override
  public String toString() {
    return "ScanRequest["
        + registryUrl
        + ", "
        + repository
        + "@"
        + digest
        + tag.map(t -> " (" + t + ")").orElse("")
        + ", "
        + mimeType
        + (registryAuthorization.isPresent() ? ", with authorization" : "")
        + "]";
  }

  /**
   * Checks that {@code uri} is an absolute http(s) URL without user information, query or fragment.
   */
  static URI checkBaseUrl(URI uri, String what) {
    Objects.requireNonNull(uri, what);
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null
        || uri.isOpaque()) {
      throw new IllegalArgumentException(what + " is an absolute http or https URL: " + safe(uri));
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          what + " carries no user information (use an Authorization value): " + safe(uri));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(what + " has no query or fragment: " + safe(uri));
    }
    return uri;
  }

  /** {@code uri} without user information, for messages. */
  static String safe(URI uri) {
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null) {
      return "(not an http URL)";
    }
    int port = uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return scheme + "://" + host + (port < 0 ? "" : ":" + port) + path;
  }

  /**
   * Checks that {@code value} can be an {@code Authorization} header value: 1 to {@value
   * #MAX_AUTHORIZATION_LENGTH} visible ASCII characters and spaces. The message never repeats it.
   */
  static String checkAuthorization(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank() || value.length() > MAX_AUTHORIZATION_LENGTH) {
      throw new IllegalArgumentException(
          what + " has 1 to " + MAX_AUTHORIZATION_LENGTH + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            what + " has only visible ASCII characters and spaces (character " + i + " is not)");
      }
    }
    return value;
  }
}

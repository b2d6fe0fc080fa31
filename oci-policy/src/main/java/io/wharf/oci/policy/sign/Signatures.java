package io.wharf.oci.policy.sign;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.PolicyContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The signature manifests found for a manifest, and what was skipped on the way (a signature
 * manifest that is listed but missing or unreadable, or beyond the bound), in words for a reason.
 *
 * @param artifacts the signature manifests found, at most {@value #MAX_ARTIFACTS}: the one cosign's
 *     {@code .sig} tag names first, then the referrers in the order the repository lists them
 * @param skipped what was not read, and why ({@code signature manifest sha256:… listed as a
 *     referrer is not in the repository}); empty when nothing was
 */
public record Signatures(List<SignatureArtifact> artifacts, List<String> skipped) {

  /** The most signature manifests read for one manifest; the rest are ignored. */
  public static final int MAX_ARTIFACTS = 16;

  /** The most referrers looked at for one manifest (signatures or not). */
  public static final int MAX_REFERRERS = 1024;

  /**
   * cosign's tags for what it attaches to a manifest: {@code <algorithm>-<hex>.sig} (signatures),
   * {@code .att} (attestations) and {@code .sbom}; the hex names the subject.
   */
  private static final Pattern COSIGN_TAG =
      Pattern.compile("(sha256|sha512)-([0-9a-f]{64}|[0-9a-f]{128})\\.(sig|att|sbom)");

  /** Copies. */
  public Signatures {
    artifacts = List.copyOf(artifacts);
    skipped = List.copyOf(skipped);
  }

  /**
   * Finds the signature manifests of {@code subject} in one of {@code formats}: for {@link
   * SignatureFormat#COSIGN}, the manifest cosign's {@code sha256-<hex>.sig} tag points at; then the
   * referrers of {@code subject} whose artifact type is one of the formats. At most {@value
   * #MAX_ARTIFACTS} are read; a manifest found twice counts once.
   *
   * @throws IOException when the facts cannot be read
   */
  public static Signatures find(PolicyContext facts, Digest subject, Set<SignatureFormat> formats)
      throws IOException {
    List<SignatureArtifact> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>(0);
    Set<Digest> seen = new HashSet<>();
    int ignored = 0;
    if (formats.contains(SignatureFormat.COSIGN)) {
      Optional<Tag> tag = signatureTag(subject);
      Optional<Digest> tagged = tag.isPresent() ? facts.resolve(tag.get()) : Optional.empty();
      if (tagged.isPresent()) {
        seen.add(tagged.get());
        Optional<RawManifest> manifest = facts.manifest(tagged.get());
        if (manifest.isEmpty()) {
          skipped.add(
              "signature manifest "
                  + tagged.get()
                  + " that tag "
                  + tag.get()
                  + " points at is not in the repository");
        } else {
          readable(manifest.get(), "tag " + tag.get(), skipped)
              .ifPresent(
                  m ->
                      found.add(
                          new SignatureArtifact(
                              SignatureFormat.COSIGN, m, SignatureArtifact.Origin.TAG)));
        }
      }
    }
    List<Descriptor> referrers = facts.referrers(subject, Optional.empty());
    int looked = 0;
    for (Descriptor referrer : referrers) {
      if (++looked > MAX_REFERRERS) {
        skipped.add(
            "more than "
                + MAX_REFERRERS
                + " referrers; only the first "
                + MAX_REFERRERS
                + " were looked at");
        break;
      }
      Optional<MediaType> type = referrer.artifactType();
      Optional<SignatureFormat> format =
          type.isPresent() ? SignatureFormat.ofArtifactType(type.get()) : Optional.empty();
      if (format.isEmpty() || !formats.contains(format.get())) {
        continue;
      }
      if (!seen.add(referrer.digest())) {
        continue;
      }
      if (found.size() >= MAX_ARTIFACTS) {
        ignored++;
        continue;
      }
      Optional<RawManifest> manifest = facts.manifest(referrer.digest());
      if (manifest.isEmpty()) {
        skipped.add(
            "signature manifest "
                + referrer.digest()
                + " listed as a referrer is not in the repository");
        continue;
      }
      readable(manifest.get(), "a referrer", skipped)
          .ifPresent(
              m ->
                  found.add(
                      new SignatureArtifact(format.get(), m, SignatureArtifact.Origin.REFERRER)));
    }
    if (ignored > 0) {
      skipped.add(
          ignored
              + " more signature manifest"
              + (ignored == 1 ? " was" : "s were")
              + " not read (at most "
              + MAX_ARTIFACTS
              + " are)");
    }
    return new Signatures(found, skipped);
  }

  /**
   * cosign's signature tag for {@code subject}: {@code sha256-<hex>.sig}; empty when the digest's
   * algorithm makes no valid tag.
   */
  public static Optional<Tag> signatureTag(Digest subject) {
    String text = subject.algorithm() + "-" + subject.encoded() + ".sig";
    return text.length() <= Tag.MAX_LENGTH ? Optional.of(new Tag(text)) : Optional.empty();
  }

  /**
   * The subject a cosign tag names ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}); empty
   * for any other tag.
   */
  public static Optional<Digest> subjectOfTag(Tag tag) {
    java.util.regex.Matcher m = COSIGN_TAG.matcher(tag.value());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(m.group(1) + ":" + m.group(2)));
    } catch (OciException e) {
      return Optional.empty();
    }
  }

  /** {@code manifest} when it is an image manifest that parses; else a note of why not. */
  private static Optional<RawManifest> readable(
      RawManifest manifest, String how, List<String> skipped) {
    try {
      if (manifest.mediaType().isImageManifest() && manifest.parse() != null) {
        return Optional.of(manifest);
      }
      skipped.add(
          "signature manifest "
              + manifest.digest()
              + " found by "
              + how
              + " is a "
              + clip(manifest.mediaType().toString())
              + ", not an image manifest");
    } catch (OciException | IllegalArgumentException e) {
      skipped.add(
          "signature manifest "
              + manifest.digest()
              + " found by "
              + how
              + " cannot be read: "
              + clip(String.valueOf(e.getMessage())));
    }
    return Optional.empty();
  }

  private static String clip(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 120; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    return text.length() > 120 ? out + "..." : out.toString();
  }
}

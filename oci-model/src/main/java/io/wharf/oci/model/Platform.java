package io.wharf.oci.model;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The platform of an image, as in an index entry's {@code platform} (image-index.md) or an image
 * configuration. Values are kept as written; {@link #normalize()} gives the canonical form that
 * {@link #matches} compares (containerd's rules: {@code x86_64} is {@code amd64}, {@code aarch64}
 * is {@code arm64}, arm64 implies variant {@code v8}, {@code arm} implies {@code v7}, amd64 has no
 * variant unless one above {@code v1} is named).
 *
 * @param architecture the CPU architecture, e.g. {@code amd64}
 * @param os the operating system, e.g. {@code linux}
 * @param osVersion the operating system version ({@code os.version}), e.g. for Windows
 * @param osFeatures required OS features ({@code os.features}), e.g. {@code win32k}
 * @param variant the CPU variant, e.g. {@code v7}
 * @param features reserved by the spec ({@code features}); kept so that nothing is lost
 */
public record Platform(
    String architecture,
    String os,
    Optional<String> osVersion,
    List<String> osFeatures,
    Optional<String> variant,
    List<String> features) {

  /** Validates and copies. */
  public Platform {
    if (architecture.isEmpty()) {
      throw invalid("platform architecture must not be empty");
    }
    if (os.isEmpty()) {
      throw invalid("platform os must not be empty");
    }
    osFeatures = List.copyOf(osFeatures);
    features = List.copyOf(features);
  }

  /** A platform of {@code os} and {@code architecture} only. */
  public static Platform of(String os, String architecture) {
    return new Platform(architecture, os, Optional.empty(), List.of(), Optional.empty(), List.of());
  }

  /** A platform of {@code os}, {@code architecture} and {@code variant}. */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(
        architecture, os, Optional.empty(), List.of(), Optional.of(variant), List.of());
  }

  /**
   * Parses {@code os/architecture[/variant]}, e.g. {@code linux/arm64/v8}, as docker's and skopeo's
   * {@code --platform} take it.
   *
   * @throws InvalidContentException when the text does not have two or three non-empty parts
   */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw invalid("platform '" + text + "' is not os/architecture[/variant]");
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 64) {
        throw invalid("platform '" + text + "' has an empty or over-long part");
      }
    }
    return parts.length == 2 ? of(parts[0], parts[1]) : of(parts[0], parts[1], parts[2]);
  }

  /** This platform with {@code variant}. */
  public Platform withVariant(String variant) {
    return new Platform(architecture, os, osVersion, osFeatures, Optional.of(variant), features);
  }

  /** This platform with {@code os.version}. */
  public Platform withOsVersion(String osVersion) {
    return new Platform(architecture, os, Optional.of(osVersion), osFeatures, variant, features);
  }

  /** This platform with {@code os.features}. */
  public Platform withOsFeatures(List<String> osFeatures) {
    return new Platform(architecture, os, osVersion, osFeatures, variant, features);
  }

  /** The canonical form of this platform (see the class documentation). */
  public Platform normalize() {
    String o = os.toLowerCase(Locale.ROOT);
    if (o.equals("macos")) {
      o = "darwin";
    }
    String arch = architecture.toLowerCase(Locale.ROOT);
    String v = variant.map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
    switch (arch) {
      case "i386", "386" -> {
        arch = "386";
        v = "";
      }
      case "x86_64", "x86-64", "amd64" -> {
        arch = "amd64";
        if (v.equals("v1")) {
          v = "";
        }
      }
      case "aarch64", "arm64" -> {
        arch = "arm64";
        if (v.isEmpty() || v.equals("8") || v.equals("v8.0")) {
          v = "v8";
        }
      }
      case "armhf" -> {
        arch = "arm";
        v = "v7";
      }
      case "armel" -> {
        arch = "arm";
        v = "v6";
      }
      case "arm" -> {
        if (v.isEmpty() || v.equals("7")) {
          v = "v7";
        } else if (v.equals("5") || v.equals("6") || v.equals("8")) {
          v = "v" + v;
        }
      }
      default -> {}
    }
    return new Platform(
        arch, o, osVersion, osFeatures, v.isEmpty() ? Optional.empty() : Optional.of(v), features);
  }

  /**
   * Whether an image for {@code candidate} satisfies a request for this platform: the same os and
   * architecture after normalisation; the same variant when this one names one (arm64 always does,
   * as {@code v8}); the same {@code os.version} when this one names one; and every {@code
   * os.features} entry this one requires.
   */
  public boolean matches(Platform candidate) {
    Platform want = normalize();
    Platform have = candidate.normalize();
    if (!want.os.equals(have.os) || !want.architecture.equals(have.architecture)) {
      return false;
    }
    if (variant.isPresent() || want.architecture.equals("arm64")) {
      if (!want.variant.equals(have.variant)) {
        return false;
      }
    }
    if (want.osVersion.isPresent() && !want.osVersion.equals(have.osVersion)) {
      return false;
    }
    return have.osFeatures.containsAll(want.osFeatures);
  }

  /** {@code os/architecture[/variant]}. */
  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }

  private static InvalidContentException invalid(String message) {
    return new InvalidContentException(ErrorCode.MANIFEST_INVALID, message);
  }
}

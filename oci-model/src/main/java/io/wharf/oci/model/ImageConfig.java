package io.wharf.oci.model;

import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.json.ConfigJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An image configuration (image-spec config.md), also the Docker container image configuration.
 * {@code created} is kept as written (RFC 3339, validated), so that nothing is lost.
 *
 * @param created when the image was created
 * @param author who created it
 * @param architecture the CPU architecture
 * @param os the operating system
 * @param osVersion the operating system version
 * @param osFeatures required operating system features
 * @param variant the CPU variant
 * @param config the execution parameters for a container
 * @param rootfs the layer content addresses
 * @param history the history of each layer
 */
public record ImageConfig(
    Optional<String> created,
    Optional<String> author,
    String architecture,
    String os,
    Optional<String> osVersion,
    List<String> osFeatures,
    Optional<String> variant,
    Optional<ContainerConfig> config,
    RootFs rootfs,
    List<History> history) {

  /** Copies. */
  public ImageConfig {
    osFeatures = List.copyOf(osFeatures);
    history = List.copyOf(history);
  }

  /**
   * Parses and validates a configuration.
   *
   * @throws InvalidContentException with {@link
   *     io.wharf.oci.model.error.ErrorCode#MANIFEST_INVALID} naming the bad field
   */
  public static ImageConfig parse(Bytes bytes) {
    return ConfigJson.decode(bytes);
  }

  /** Canonical bytes for this configuration. */
  public Bytes toBytes() {
    return ConfigJson.encode(this);
  }

  /** The platform this image is for. */
  public Platform platform() {
    return new Platform(architecture, os, osVersion, osFeatures, variant, List.of());
  }

  /**
   * The execution parameters ({@code config}). Lists that are absent stay absent: an absent {@code
   * Cmd} and an empty one mean different things to a runtime.
   *
   * @param user the user or UID to run as
   * @param exposedPorts ports to expose, e.g. {@code 8080/tcp}
   * @param env environment variables, {@code NAME=value}
   * @param entrypoint the entry point
   * @param cmd default arguments
   * @param volumes paths that hold volumes
   * @param workingDir the working directory
   * @param labels arbitrary labels
   * @param stopSignal the signal that stops the container
   * @param argsEscaped deprecated Windows flag
   */
  public record ContainerConfig(
      Optional<String> user,
      Set<String> exposedPorts,
      List<String> env,
      Optional<List<String>> entrypoint,
      Optional<List<String>> cmd,
      Set<String> volumes,
      Optional<String> workingDir,
      Map<String, String> labels,
      Optional<String> stopSignal,
      Optional<Boolean> argsEscaped) {

    /** Copies; sets and maps are sorted. */
    public ContainerConfig {
      exposedPorts = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(exposedPorts));
      env = List.copyOf(env);
      entrypoint = entrypoint.map(List::copyOf);
      cmd = cmd.map(List::copyOf);
      volumes = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(volumes));
      labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }
  }

  /**
   * The root filesystem: the digests of the uncompressed layers.
   *
   * @param type always {@code layers}
   * @param diffIds the layer DiffIDs, base first
   */
  public record RootFs(String type, List<Digest> diffIds) {
    /** Copies. */
    public RootFs {
      diffIds = List.copyOf(diffIds);
    }
  }

  /**
   * One history entry.
   *
   * @param created when the layer was created
   * @param createdBy the command that created it
   * @param author who created it
   * @param comment a comment
   * @param emptyLayer whether the entry made no layer
   */
  public record History(
      Optional<String> created,
      Optional<String> createdBy,
      Optional<String> author,
      Optional<String> comment,
      boolean emptyLayer) {}
}

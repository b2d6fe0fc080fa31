package io.wharf.oci.model.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.DigestAlgorithm;
import io.wharf.oci.model.ImageConfig;
import io.wharf.oci.model.ImageIndex;
import io.wharf.oci.model.ImageManifest;
import io.wharf.oci.model.Manifest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.Platform;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Shared QuickTheories generators for the OCI model. Every generator stays inside the grammar of
 * the type it produces, so that whatever it yields is accepted by the type's constructor or parser.
 * Shipped in the module's test-jar for other modules' tests.
 *
 * <p>Everything here is built from {@link Gen} combinators that draw from the randomness source
 * QuickTheories hands them, so a falsified property shrinks its input (shorter strings and lists,
 * numbers towards zero, the first alternative of a choice) and prints the seed that reproduces it
 * ({@code -DQT_SEED=...}). Numbers, sizes and lengths come with their edge cases: about one draw in
 * ten is a bound of the range (or the one next to it, or 0 or 1 when inside), so empty and longest
 * strings, lists and arrays turn up in every run.
 *
 * <p>Nothing here filters with {@link Gen#assuming}: QuickTheories gives up a whole property after
 * ten refused draws for one example, so each generator builds valid values directly.
 */
public final class OciGenerators {

  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String ALNUM = LOWER_ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String HEX = "0123456789abcdef";
  private static final String RESTRICTED_NAME_REST = ALNUM + "!#$&^_.+-";
  private static final String TOKEN = ALNUM + "!#$%&'*+.^_`|~-";
  private static final String TEXT = ALNUM + " ./:-_=+<>&\"\\'@\u00e9\u00df\u4e2d\u2028\u00a0";

  /** Longest arbitrary string, array or list when a test names no length. */
  private static final int DEFAULT_MAX_SIZE = 255;

  /** See {@link #anyStrings(int, int)}. */
  private static final Gen<Character> ANY_CHAR =
      Generate.frequency(
          Pair.of(8, Generate.range(0x20, 0x7e, 'a').map(c -> (char) c.intValue())),
          Pair.of(8, Generate.range(0, 0xd7ff + 0x4d0 + 0x20e, 'a').map(OciGenerators::plainChar)),
          Pair.of(
              1,
              Generate.pick(
                  List.of(
                      '\u0000', '\t', '\n', '\r', '\u007f', '\u00e9', '\u2028', '\ufeff',
                      '\ufffd'))));

  private static final List<MediaType> WELL_KNOWN_MEDIA_TYPES =
      List.of(
          MediaType.OCI_IMAGE_MANIFEST,
          MediaType.OCI_IMAGE_INDEX,
          MediaType.OCI_IMAGE_CONFIG,
          MediaType.OCI_EMPTY_JSON,
          MediaType.OCI_LAYER_TAR,
          MediaType.OCI_LAYER_TAR_GZIP,
          MediaType.OCI_LAYER_TAR_ZSTD,
          MediaType.DOCKER_MANIFEST_V2,
          MediaType.DOCKER_MANIFEST_LIST,
          MediaType.DOCKER_CONTAINER_CONFIG,
          MediaType.DOCKER_LAYER_TAR_GZIP,
          MediaType.HELM_CONFIG,
          MediaType.HELM_CHART_CONTENT,
          MediaType.COSIGN_SIMPLE_SIGNING,
          MediaType.IN_TOTO,
          MediaType.JSON,
          MediaType.OCTET_STREAM);

  /**
   * The keys of the Go structs (image-spec, distribution) that a manifest, an index, a descriptor
   * and a platform are decoded into: what Go's case-insensitive field matching applies to.
   */
  public static final List<String> MANIFEST_KEYS =
      List.of(
          "schemaVersion",
          "mediaType",
          "artifactType",
          "config",
          "layers",
          "manifests",
          "subject",
          "annotations",
          "digest",
          "size",
          "urls",
          "data",
          "platform",
          "architecture",
          "os",
          "os.version",
          "os.features",
          "variant",
          "features");

  /**
   * The keys of the Go structs an image configuration is decoded into (image-spec's {@code Image},
   * {@code ImageConfig}, {@code RootFS}, {@code History}), as far as Wharf reads them.
   */
  public static final List<String> CONFIG_KEYS =
      List.of(
          "created",
          "author",
          "architecture",
          "variant",
          "os",
          "os.version",
          "os.features",
          "config",
          "rootfs",
          "history",
          "User",
          "ExposedPorts",
          "Env",
          "Entrypoint",
          "Cmd",
          "Volumes",
          "WorkingDir",
          "Labels",
          "StopSignal",
          "ArgsEscaped",
          "type",
          "diff_ids",
          "created_by",
          "comment",
          "empty_layer");

  private OciGenerators() {}

  // ------------------------------------------------------------------------------ building blocks

  /** Integers from {@code min} to {@code max}, with the range's edge cases mixed in. */
  public static Gen<Integer> ints(int min, int max) {
    return longs(min, max).map(Long::intValue);
  }

  /**
   * Longs from {@code min} to {@code max}, uniform, and one draw in ten an edge case: {@code min},
   * {@code min + 1}, {@code 0} and {@code 1} when in range, {@code max - 1}, {@code max}. They
   * shrink towards 0, or the bound nearest to it.
   */
  public static Gen<Long> longs(long min, long max) {
    List<Long> edges = new ArrayList<>(List.of(min, max));
    if (min < max) {
      edges.add(min + 1);
      edges.add(max - 1);
    }
    if (min <= 0 && max >= 0) {
      edges.add(0L);
    }
    if (min <= 1 && max >= 1) {
      edges.add(1L);
    }
    List<Long> distinct = edges.stream().distinct().sorted().collect(Collectors.toList());
    return Generate.frequency(
        Pair.of(9, Generate.longRange(min, max)), Pair.of(1, Generate.pick(distinct)));
  }

  /** Booleans, shrinking to false. */
  public static Gen<Boolean> booleans() {
    return Generate.booleans();
  }

  /** One of {@code values}, shrinking towards the first. */
  @SafeVarargs
  public static <T> Gen<T> pick(T... values) {
    List<T> list = new ArrayList<>(values.length);
    for (T value : values) {
      list.add(value);
    }
    return Generate.pick(list);
  }

  /** A value of one of {@code generators}, chosen evenly, shrinking towards the first. */
  @SafeVarargs
  public static <T> Gen<T> oneOf(Gen<T> first, Gen<T>... others) {
    List<Pair<Integer, Gen<T>>> weighted = new ArrayList<>();
    weighted.add(Pair.of(1, first));
    for (Gen<T> other : others) {
      weighted.add(Pair.of(1, other));
    }
    return Generate.frequency(weighted);
  }

  /** Present {@code percentPresent} percent of the time, shrinking to empty. */
  public static <T> Gen<Optional<T>> optionals(Gen<T> values, int percentPresent) {
    return values.toOptionals(100 - percentPresent);
  }

  /** Lists of {@code minSize} to {@code maxSize} elements. */
  public static <T> Gen<List<T>> lists(Gen<T> elements, int minSize, int maxSize) {
    Gen<Integer> sizes = ints(minSize, maxSize);
    Gen<List<T>> lists =
        in -> {
          int size = sizes.generate(in);
          List<T> list = new ArrayList<>(size);
          for (int i = 0; i < size; i++) {
            list.add(elements.generate(in));
          }
          return list;
        };
    return lists.describedAs(
        l -> l.stream().map(elements::asString).collect(Collectors.joining(", ", "[", "]")));
  }

  /**
   * Maps of {@code minSize} to {@code maxSize} entries with distinct keys, in the order drawn
   * (fewer when {@code keys} keeps repeating itself).
   */
  public static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int minSize, int maxSize) {
    Gen<Integer> sizes = ints(minSize, maxSize);
    return in -> {
      int size = sizes.generate(in);
      Map<K, V> map = new LinkedHashMap<>();
      for (int draws = 0; map.size() < size && draws < 20 * size; draws++) {
        K key = keys.generate(in);
        if (!map.containsKey(key)) {
          map.put(key, values.generate(in));
        }
      }
      return map;
    };
  }

  /** Strings of {@code minLength} to {@code maxLength} characters taken from {@code chars}. */
  public static Gen<String> strings(String chars, int minLength, int maxLength) {
    return strings(Generate.range(0, chars.length() - 1).map(chars::charAt), minLength, maxLength);
  }

  /** Strings of {@code minLength} to {@code maxLength} characters drawn from {@code chars}. */
  public static Gen<String> strings(Gen<Character> chars, int minLength, int maxLength) {
    Gen<Integer> lengths = ints(minLength, maxLength);
    Gen<String> strings =
        in -> {
          int length = lengths.generate(in);
          StringBuilder b = new StringBuilder(length);
          for (int i = 0; i < length; i++) {
            b.append(chars.generate(in));
          }
          return b.toString();
        };
    return strings.describedAs(OciGenerators::escaped);
  }

  /** Strings of ASCII letters. */
  public static Gen<String> letters(int minLength, int maxLength) {
    return strings(LETTERS, minLength, maxLength);
  }

  /** Any text of up to 255 characters: see {@link #anyStrings(int, int)}. */
  public static Gen<String> anyStrings() {
    return anyStrings(0, DEFAULT_MAX_SIZE);
  }

  /**
   * Any text of the Basic Multilingual Plane: every {@code char} from U+0000 to U+FFFD but
   * surrogates, private use characters and noncharacters (so that it survives UTF-8), with
   * printable ASCII (the characters grammars are made of) as likely as the rest, and now and then a
   * control character, a line separator, a byte order mark or U+FFFD.
   */
  public static Gen<String> anyStrings(int minLength, int maxLength) {
    return strings(ANY_CHAR, minLength, maxLength);
  }

  /**
   * The {@code index}th char of U+0000..U+D7FF, U+F900..U+FDCF and U+FDF0..U+FFFD: the Basic
   * Multilingual Plane without surrogates, private use characters and noncharacters.
   */
  private static char plainChar(int index) {
    if (index <= 0xd7ff) {
      return (char) index;
    }
    int pastPrivateUse = index - 0xd800;
    if (pastPrivateUse < 0x4d0) {
      return (char) (0xf900 + pastPrivateUse);
    }
    return (char) (0xfdf0 + pastPrivateUse - 0x4d0);
  }

  /** Byte arrays of {@code minSize} to {@code maxSize} arbitrary bytes. */
  public static Gen<byte[]> byteArrays(int minSize, int maxSize) {
    return Generate.byteArrays(
        ints(minSize, maxSize), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
  }

  /** Byte arrays of up to 255 arbitrary bytes. */
  public static Gen<byte[]> anyByteArrays() {
    return byteArrays(0, DEFAULT_MAX_SIZE);
  }

  /** The body of a property that may throw a checked exception, as I/O does. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /**
   * Runs {@code check}, rethrowing a checked exception unchecked: a body given to QuickTheories'
   * {@code checkAssert} declares none, and any exception falsifies the property.
   */
  public static void unchecked(Check check) {
    try {
      check.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------ digests, names

  /** The registered digest algorithms. */
  public static Gen<DigestAlgorithm> digestAlgorithms() {
    return Generate.enumValues(DigestAlgorithm.class);
  }

  /** sha256 and sha512 digests with lower-case hex of the algorithm's length. */
  public static Gen<Digest> digests() {
    return digestAlgorithms().flatMap(OciGenerators::digests);
  }

  /** Digests of {@code algorithm} with lower-case hex of its length. */
  public static Gen<Digest> digests(DigestAlgorithm algorithm) {
    return strings(HEX, algorithm.hexLength(), algorithm.hexLength())
        .map(hex -> new Digest(algorithm.id(), hex));
  }

  /** sha256 digests. */
  public static Gen<Digest> sha256Digests() {
    return digests(DigestAlgorithm.SHA256);
  }

  /** Tags matching {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}, sometimes exactly 128 long. */
  public static Gen<Tag> tags() {
    Gen<String> first = strings(ALNUM + "_", 1, 1);
    Gen<String> tag = first.zip(strings(ALNUM + "._-", 0, 127), String::concat);
    Gen<String> longest = first.zip(strings(ALNUM + "._-", 127, 127), String::concat);
    return Generate.frequency(Pair.of(19, tag), Pair.of(1, longest)).map(Tag::new);
  }

  /** Path components {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*} of a repository name. */
  public static Gen<String> pathComponents() {
    Gen<String> separator = oneOf(pick(".", "_", "__"), strings("-", 1, 3));
    Gen<String> tail =
        lists(separator.zip(strings(LOWER_ALNUM, 1, 8), String::concat), 0, 3)
            .map(parts -> String.join("", parts));
    return strings(LOWER_ALNUM, 1, 12).zip(tail, String::concat);
  }

  /**
   * Repository names: path components joined by '/', at most 255 characters, sometimes 255. (Four
   * components are at most 183 characters, so none is too long.)
   */
  public static Gen<RepositoryName> repositoryNames() {
    Gen<String> name = lists(pathComponents(), 1, 4).map(parts -> String.join("/", parts));
    Gen<String> longest = name.map(n -> n + "a".repeat(RepositoryName.MAX_LENGTH - n.length()));
    return Generate.frequency(Pair.of(19, name), Pair.of(1, longest)).map(RepositoryName::new);
  }

  /** TCP ports, 1 to 65535. */
  public static Gen<Integer> ports() {
    return ints(1, 65535);
  }

  /**
   * Domain names with at least one dot, e.g. {@code Registry-1.example.io}; never {@code docker.io}
   * or {@code index.docker.io}, which references normalise: those two get a {@code z.} in front.
   */
  public static Gen<String> domainNames() {
    Gen<String> single = strings(ALNUM, 1, 1);
    Gen<String> longer = single.zip(strings(ALNUM + "-", 0, 14), single, (a, b, c) -> a + b + c);
    Gen<String> component = oneOf(single, longer);
    Gen<String> tld = strings("abcdefghijklmnopqrstuvwxyz", 2, 6);
    return lists(component, 1, 3)
        .zip(tld, (parts, t) -> String.join(".", parts) + "." + t)
        .map(d -> d.equals("docker.io") || d.equals("index.docker.io") ? "z." + d : d);
  }

  /** IPv4 addresses in dotted decimal. */
  public static Gen<String> ipv4Addresses() {
    return lists(ints(0, 255), 4, 4)
        .map(l -> l.stream().map(String::valueOf).collect(Collectors.joining(".")));
  }

  /** IPv6 addresses without brackets, full or compressed with {@code ::}. */
  public static Gen<String> ipv6Addresses() {
    Gen<String> group = strings(HEX, 1, 4);
    Gen<String> full = lists(group, 8, 8).map(l -> String.join(":", l));
    Gen<String> compressed =
        lists(group, 0, 3)
            .zip(
                lists(group, 0, 3),
                (left, right) -> String.join(":", left) + "::" + String.join(":", right));
    return oneOf(full, compressed, pick("::1", "::", "fe80::1"));
  }

  /** Registry hosts: domain names, {@code localhost}, IPv4:port and bracketed IPv6, [:port]. */
  public static Gen<RegistryHost> registryHosts() {
    Gen<String> port = ports().map(p -> ":" + p);
    Gen<String> optionalPort = optionals(port, 40).map(p -> p.orElse(""));
    return oneOf(
            domainNames().zip(optionalPort, String::concat),
            optionalPort.map(p -> "localhost" + p),
            ipv4Addresses().zip(port, String::concat),
            ipv6Addresses().zip(optionalPort, (a, p) -> "[" + a + "]" + p))
        .map(RegistryHost::new);
  }

  /** Full references: host, repository, optional tag and optional digest. */
  public static Gen<Reference> references() {
    return registryHosts()
        .zip(repositoryNames(), optionals(tags(), 60), optionals(digests(), 50), Reference::new);
  }

  // ------------------------------------------------------------------------------ media types

  /** Media types: well-known ones and generated {@code type/subtype[; param=value]*}. */
  public static Gen<MediaType> mediaTypes() {
    return oneOf(wellKnownMediaTypes(), generatedMediaTypes());
  }

  /** The media types Wharf names as constants. */
  public static Gen<MediaType> wellKnownMediaTypes() {
    return Generate.pick(WELL_KNOWN_MEDIA_TYPES);
  }

  /**
   * {@link #mediaTypes()} that {@code wanted} accepts: the well-known ones it accepts, or generated
   * ones (whose random names never fall into the OCI or Docker namespaces, so it accepts them all).
   */
  private static Gen<MediaType> mediaTypesWhere(Predicate<MediaType> wanted) {
    List<MediaType> known =
        WELL_KNOWN_MEDIA_TYPES.stream().filter(wanted).collect(Collectors.toList());
    Gen<MediaType> generated =
        generatedMediaTypes()
            .map(
                m -> {
                  if (!wanted.test(m)) {
                    throw new IllegalStateException("generated an unwanted media type: " + m);
                  }
                  return m;
                });
    return oneOf(Generate.pick(known), generated);
  }

  private static Gen<MediaType> generatedMediaTypes() {
    Gen<String> name =
        strings(ALNUM, 1, 1).zip(strings(RESTRICTED_NAME_REST, 0, 30), String::concat);
    Gen<String> token = strings(TOKEN, 1, 10);
    Gen<String> quoted = strings(ALNUM + " ,;=/()", 0, 10).map(s -> "\"" + s + "\"");
    Gen<String> parameter =
        pick(";", "; ", " ;\t")
            .zip(token, oneOf(token, quoted), (sep, key, value) -> sep + key + "=" + value);
    return name.zip(
            name,
            lists(parameter, 0, 2),
            (type, subtype, params) -> type + "/" + subtype + String.join("", params))
        .map(MediaType::new);
  }

  // ------------------------------------------------------------------------------ descriptors

  /** Platforms of common os/architecture pairs, sometimes with variant, os.version, features. */
  public static Gen<Platform> platforms() {
    Gen<String> architectures = pick("amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64");
    Gen<String> systems = pick("linux", "windows", "darwin", "freebsd");
    Gen<Optional<String>> osVersions = optionals(pick("10.0.17763.1879", "10.0.20348.587"), 20);
    Gen<List<String>> osFeatures = lists(pick("win32k", "sse4"), 0, 2);
    Gen<Optional<String>> variants = optionals(pick("v5", "v6", "v7", "v8"), 30);
    return in ->
        new Platform(
            architectures.generate(in),
            systems.generate(in),
            osVersions.generate(in),
            osFeatures.generate(in),
            variants.generate(in),
            List.of());
  }

  /** Annotation maps with a few keys, values of any printable text. */
  public static Gen<Map<String, String>> annotations() {
    Gen<String> key =
        oneOf(
            pick(
                "org.opencontainers.image.created",
                "org.opencontainers.image.ref.name",
                "org.opencontainers.image.title"),
            strings(LOWER_ALNUM + ".-_", 1, 20).map(s -> "com.example." + s));
    return maps(key, strings(TEXT, 0, 30), 0, 3);
  }

  /** Descriptors of any media type, sometimes with urls, annotations, platform, data. */
  public static Gen<Descriptor> descriptors() {
    return descriptors(mediaTypes());
  }

  /** Descriptors whose media type comes from {@code mediaTypes}. */
  public static Gen<Descriptor> descriptors(Gen<MediaType> mediaTypes) {
    Gen<Digest> digests = digests();
    Gen<Long> sizes = longs(0, Long.MAX_VALUE);
    Gen<List<String>> urls =
        lists(strings(LOWER_ALNUM, 1, 10).map(s -> "https://example.com/" + s), 0, 2);
    Gen<Map<String, String>> annotations = annotations();
    Gen<Optional<Platform>> platforms = optionals(platforms(), 20);
    Gen<Optional<MediaType>> artifactTypes = optionals(mediaTypes(), 20);
    Gen<Descriptor> plain =
        in ->
            new Descriptor(
                mediaTypes.generate(in),
                digests.generate(in),
                sizes.generate(in),
                urls.generate(in),
                annotations.generate(in),
                Optional.empty(),
                platforms.generate(in),
                artifactTypes.generate(in));
    Gen<Descriptor> embedded =
        mediaTypes.zip(
            byteArrays(0, 64),
            (mediaType, content) -> {
              Bytes bytes = Bytes.of(content);
              return Descriptor.of(mediaType, bytes).withData(bytes);
            });
    return Generate.frequency(Pair.of(5, plain), Pair.of(1, embedded));
  }

  /** Config descriptors, of an image or artifact config media type. */
  public static Gen<Descriptor> configDescriptors() {
    return descriptors(
        oneOf(
            pick(MediaType.OCI_IMAGE_CONFIG, MediaType.OCI_EMPTY_JSON, MediaType.HELM_CONFIG),
            mediaTypesWhere(m -> !m.isUnknownInReservedNamespace())));
  }

  /** Layer descriptors, of a layer media type or any other. */
  public static Gen<Descriptor> layerDescriptors() {
    return descriptors(
        oneOf(
            pick(
                MediaType.OCI_LAYER_TAR_GZIP,
                MediaType.OCI_LAYER_TAR_ZSTD,
                MediaType.DOCKER_LAYER_TAR_GZIP),
            mediaTypesWhere(m -> !m.isManifest() && !m.isUnknownInReservedNamespace())));
  }

  /** Index entries: descriptors of a manifest media type, usually with a platform. */
  public static Gen<Descriptor> manifestDescriptors() {
    return descriptors(pick(MediaType.OCI_IMAGE_MANIFEST, MediaType.OCI_IMAGE_INDEX))
        .zip(optionals(platforms(), 80), (d, platform) -> platform.map(d::withPlatform).orElse(d));
  }

  // ------------------------------------------------------------------------------ manifests

  /** OCI image manifests of a config and 1 to 4 layers, sometimes with extras. */
  public static Gen<ImageManifest> imageManifests() {
    return configDescriptors()
        .zip(
            lists(layerDescriptors(), 1, 4),
            annotations(),
            optionals(mediaTypes(), 20),
            optionals(manifestDescriptors(), 20),
            (config, layers, a, artifactType, subject) -> {
              ImageManifest m = ImageManifest.of(config, layers).withAnnotations(a);
              m = artifactType.map(m::withArtifactType).orElse(m);
              return subject.map(m::withSubject).orElse(m);
            });
  }

  /** OCI image indexes of 0 to 4 entries, sometimes with extras. */
  public static Gen<ImageIndex> imageIndexes() {
    return lists(manifestDescriptors(), 0, 4)
        .zip(
            annotations(),
            optionals(mediaTypes(), 20),
            optionals(manifestDescriptors(), 20),
            (manifests, a, artifactType, subject) -> {
              ImageIndex i = ImageIndex.of(manifests).withAnnotations(a);
              i = artifactType.map(i::withArtifactType).orElse(i);
              return subject.map(i::withSubject).orElse(i);
            });
  }

  /** Image manifests and image indexes. */
  public static Gen<Manifest> manifests() {
    return oneOf(imageManifests().map(m -> m), imageIndexes().map(i -> i));
  }

  /** Image configurations with a platform, diff ids, and sometimes container config and history. */
  public static Gen<ImageConfig> imageConfigs() {
    Gen<Optional<String>> created =
        optionals(
            pick(
                "2024-01-02T03:04:05Z",
                "2015-10-31T22:22:56.015925234Z",
                "2024-06-01T12:00:00+02:00"),
            70);
    Gen<Optional<String>> text = optionals(strings(TEXT, 0, 20), 30);
    Gen<List<String>> strings = lists(strings(TEXT, 0, 12), 0, 3);
    Gen<Optional<List<String>>> optionalStrings = optionals(strings, 50);
    Gen<Set<String>> ports = lists(pick("80/tcp", "8080/tcp", "53/udp"), 0, 2).map(TreeSet::new);
    Gen<Set<String>> volumes = lists(pick("/data", "/var/lib/app"), 0, 2).map(TreeSet::new);
    Gen<Map<String, String>> labels = annotations();
    Gen<ImageConfig.ContainerConfig> containerConfig =
        in ->
            new ImageConfig.ContainerConfig(
                text.generate(in),
                ports.generate(in),
                strings.generate(in),
                optionalStrings.generate(in),
                optionalStrings.generate(in),
                volumes.generate(in),
                text.generate(in),
                labels.generate(in),
                Optional.empty(),
                Optional.empty());
    Gen<ImageConfig.History> history =
        created.zip(text, text, text, booleans(), ImageConfig.History::new);
    Gen<ImageConfig.RootFs> rootfs =
        lists(sha256Digests(), 0, 4).map(ids -> new ImageConfig.RootFs("layers", ids));
    Gen<Platform> platforms = platforms();
    Gen<Optional<ImageConfig.ContainerConfig>> containerConfigs = optionals(containerConfig, 70);
    Gen<List<ImageConfig.History>> histories = lists(history, 0, 3);
    return in -> {
      Optional<String> c = created.generate(in);
      Optional<String> author = text.generate(in);
      Platform p = platforms.generate(in);
      return new ImageConfig(
          c,
          author,
          p.architecture(),
          p.os(),
          p.osVersion(),
          p.osFeatures(),
          p.variant(),
          containerConfigs.generate(in),
          rootfs.generate(in),
          histories.generate(in));
    };
  }

  // ------------------------------------------------------------------------------ hostile input

  /** JSON-like text of manifest, config and error-body fields, sometimes cut or corrupted. */
  public static Gen<String> jsonLike() {
    Gen<String> scalar =
        oneOf(
            pick(
                "null",
                "true",
                "false",
                "0",
                "1",
                "2",
                "-1",
                "1.5",
                "2.0",
                "1e2",
                "-0",
                "9223372036854775807",
                "9223372036854775808",
                "99999999999999999999999",
                "1e-3000000000",
                "1e400",
                "\"\"",
                "\"{}\"",
                "\"e30=\"",
                "\"!!\"",
                "\"layers\"",
                "\"2024-01-02T03:04:05Z\"",
                "\"yesterday\"",
                "\"linux\"",
                "\"\\u0000\"",
                "\"\\ud800\""),
            mediaTypes().map(m -> quote(m.value())),
            digests().map(d -> quote(d.toString())),
            strings(TEXT, 0, 10).map(OciGenerators::quote));
    List<String> keys = new ArrayList<>(MANIFEST_KEYS);
    keys.addAll(CONFIG_KEYS);
    keys.addAll(List.of("errors", "code", "message", "detail"));
    Gen<String> key = Generate.pick(keys);
    // Values nested 0 to 3 levels deep: each level is a value of the level below, an array of
    // up to 3 of them or an object of up to 4.
    List<Gen<String>> depths = new ArrayList<>();
    depths.add(scalar);
    for (int depth = 1; depth <= 3; depth++) {
      Gen<String> inner = depths.get(depth - 1);
      depths.add(
          oneOf(
              inner,
              lists(inner, 0, 3).map(l -> "[" + String.join(",", l) + "]"),
              maps(key, inner, 0, 4).map(OciGenerators::object)));
    }
    Gen<String> any = ints(0, 3).flatMap(depths::get);
    Gen<String> object = maps(key, any, 0, 6).map(OciGenerators::object);
    Gen<String> value = Generate.frequency(Pair.of(4, object), Pair.of(1, any));
    Gen<Double> fractions = SourceDSL.doubles().fromZeroToOne();
    Gen<String> cut = value.zip(fractions, (s, f) -> s.substring(0, (int) (s.length() * f)));
    Gen<String> stray =
        value.zip(
            fractions,
            pick("{", "}", "\"", ",", "\u0000", "\\", "[", ":"),
            (s, f, c) -> {
              int at = (int) (s.length() * f);
              return s.substring(0, at) + c + s.substring(at);
            });
    return Generate.frequency(Pair.of(6, value), Pair.of(1, cut), Pair.of(1, stray))
        .describedAs(OciGenerators::escaped);
  }

  /** JSON-like text or random bytes in UTF-8/16/32, behind byte order marks or zero bytes. */
  public static Gen<byte[]> jsonLikeBytes() {
    Gen<Charset> charset =
        pick(
            StandardCharsets.UTF_8,
            StandardCharsets.UTF_16BE,
            StandardCharsets.UTF_16LE,
            Charset.forName("UTF-32BE"),
            Charset.forName("UTF-32LE"));
    Gen<byte[]> prefix =
        pick(
            new byte[0],
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            new byte[] {(byte) 0xFE, (byte) 0xFF},
            new byte[] {(byte) 0xFF, (byte) 0xFE},
            new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF},
            new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0},
            new byte[] {0, 0, 0},
            new byte[] {0, 0, 0, '{'},
            new byte[] {0, '{', 0, 0},
            new byte[] {0, 0, '{', 0});
    Gen<byte[]> text = jsonLike().zip(charset, (s, c) -> s.getBytes(c));
    Gen<byte[]> random = byteArrays(0, 64);
    Gen<byte[]> all =
        prefix.zip(
            oneOf(text, random),
            (p, body) -> {
              byte[] bytes = new byte[p.length + body.length];
              System.arraycopy(p, 0, bytes, 0, p.length);
              System.arraycopy(body, 0, bytes, p.length, body.length);
              return bytes;
            });
    return all.describedAs(Arrays::toString);
  }

  private static String object(Map<String, String> members) {
    return members.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /**
   * The JSON {@code document} with one value replaced by {@code replacement} (JSON-like text, put
   * in as it is) or one member or element removed (one time in four); the place is picked by a
   * {@link Random} of {@code seed}. For mutating valid documents into hostile ones.
   */
  public static String mutateJson(byte[] document, long seed, String replacement) {
    Random random = new Random(seed);
    JsonNode root;
    try {
      root = MUTATION_MAPPER.readTree(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonNode> containers = new ArrayList<>();
    collectContainers(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    boolean remove = random.nextInt(4) == 0;
    if (target instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      if (remove) {
        object.remove(name);
      } else {
        object.set(name, TextNode.valueOf(MUTATION_PLACEHOLDER));
      }
    } else if (target instanceof ArrayNode array && array.size() > 0) {
      int index = random.nextInt(array.size());
      if (remove) {
        array.remove(index);
      } else {
        array.set(index, TextNode.valueOf(MUTATION_PLACEHOLDER));
      }
    }
    try {
      return MUTATION_MAPPER
          .writeValueAsString(root)
          .replace("\"" + MUTATION_PLACEHOLDER + "\"", replacement);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final ObjectMapper MUTATION_MAPPER = new ObjectMapper();
  private static final String MUTATION_PLACEHOLDER = "@@mutation@@";

  private static void collectContainers(JsonNode node, List<JsonNode> into) {
    if (node.isContainerNode()) {
      into.add(node);
      node.forEach(child -> collectContainers(child, into));
    }
  }

  /** {@code s} in double quotes, anything but printable ASCII as a Java escape, for reports. */
  public static String escaped(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}

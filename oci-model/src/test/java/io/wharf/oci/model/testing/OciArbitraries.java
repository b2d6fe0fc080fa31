package io.wharf.oci.model.testing;

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
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

/**
 * Shared jqwik generators for the OCI model. Every generator stays inside the grammar of the type
 * it produces, so that whatever it yields is accepted by the type's constructor or parser. Shipped
 * in the module's test-jar for other modules' tests.
 */
public final class OciArbitraries {

  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String ALNUM = LOWER_ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String HEX = "0123456789abcdef";
  private static final String RESTRICTED_NAME_REST = ALNUM + "!#$&^_.+-";
  private static final String TOKEN = ALNUM + "!#$%&'*+.^_`|~-";
  private static final String TEXT = ALNUM + " ./:-_=+<>&\"\\'@\u00e9\u00df\u4e2d\u2028\u00a0";

  private OciArbitraries() {}

  /** The registered digest algorithms. */
  public static Arbitrary<DigestAlgorithm> digestAlgorithms() {
    return Arbitraries.of(DigestAlgorithm.class);
  }

  /** sha256 and sha512 digests with lower-case hex of the algorithm's length. */
  public static Arbitrary<Digest> digests() {
    return digestAlgorithms().flatMap(OciArbitraries::digests);
  }

  /** Digests of {@code algorithm} with lower-case hex of its length. */
  public static Arbitrary<Digest> digests(DigestAlgorithm algorithm) {
    return Arbitraries.strings()
        .withChars(HEX)
        .ofLength(algorithm.hexLength())
        .map(hex -> new Digest(algorithm.id(), hex));
  }

  /** sha256 digests. */
  public static Arbitrary<Digest> sha256Digests() {
    return digests(DigestAlgorithm.SHA256);
  }

  /** Tags matching {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}, sometimes exactly 128 long. */
  public static Arbitrary<Tag> tags() {
    Arbitrary<String> first = Arbitraries.strings().withChars(ALNUM + "_").ofLength(1);
    Arbitrary<String> rest = Arbitraries.strings().withChars(ALNUM + "._-").ofMaxLength(127);
    Arbitrary<String> tag = Combinators.combine(first, rest).as(String::concat);
    Arbitrary<String> longest =
        Combinators.combine(first, Arbitraries.strings().withChars(ALNUM + "._-").ofLength(127))
            .as(String::concat);
    return Arbitraries.frequencyOf(Tuple.of(19, tag), Tuple.of(1, longest)).map(Tag::new);
  }

  /** Path components {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*} of a repository name. */
  public static Arbitrary<String> pathComponents() {
    StringArbitrary alnum = Arbitraries.strings().withChars(LOWER_ALNUM).ofMinLength(1);
    Arbitrary<String> separator =
        Arbitraries.oneOf(
            Arbitraries.of(".", "_", "__"),
            Arbitraries.strings().withChars('-').ofMinLength(1).ofMaxLength(3));
    Arbitrary<String> tail =
        Combinators.combine(separator, alnum.ofMaxLength(8))
            .as(String::concat)
            .list()
            .ofMaxSize(3)
            .map(parts -> String.join("", parts));
    return Combinators.combine(alnum.ofMaxLength(12), tail).as(String::concat);
  }

  /** Repository names: path components joined by '/', at most 255 characters, sometimes 255. */
  public static Arbitrary<RepositoryName> repositoryNames() {
    Arbitrary<String> name =
        pathComponents()
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(parts -> String.join("/", parts))
            .filter(n -> n.length() <= RepositoryName.MAX_LENGTH);
    Arbitrary<String> longest =
        name.map(n -> n + "a".repeat(RepositoryName.MAX_LENGTH - n.length()));
    return Arbitraries.frequencyOf(Tuple.of(19, name), Tuple.of(1, longest))
        .map(RepositoryName::new);
  }

  /** TCP ports, 1 to 65535. */
  public static Arbitrary<Integer> ports() {
    return Arbitraries.integers().between(1, 65535);
  }

  /** Domain names with at least one dot, e.g. {@code Registry-1.example.io}. */
  public static Arbitrary<String> domainNames() {
    Arbitrary<String> single = Arbitraries.strings().withChars(ALNUM).ofLength(1);
    Arbitrary<String> longer =
        Combinators.combine(
                single, Arbitraries.strings().withChars(ALNUM + "-").ofMaxLength(14), single)
            .as((a, b, c) -> a + b + c);
    Arbitrary<String> component = Arbitraries.oneOf(single, longer);
    Arbitrary<String> tld =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(6);
    return Combinators.combine(component.list().ofMinSize(1).ofMaxSize(3), tld)
        .as((parts, t) -> String.join(".", parts) + "." + t)
        .filter(d -> !d.equals("docker.io") && !d.equals("index.docker.io"));
  }

  /** IPv4 addresses in dotted decimal. */
  public static Arbitrary<String> ipv4Addresses() {
    return Arbitraries.integers()
        .between(0, 255)
        .list()
        .ofSize(4)
        .map(l -> l.stream().map(String::valueOf).collect(Collectors.joining(".")));
  }

  /** IPv6 addresses without brackets, full or compressed with {@code ::}. */
  public static Arbitrary<String> ipv6Addresses() {
    Arbitrary<String> group = Arbitraries.strings().withChars(HEX).ofMinLength(1).ofMaxLength(4);
    Arbitrary<String> full = group.list().ofSize(8).map(l -> String.join(":", l));
    Arbitrary<String> compressed =
        Combinators.combine(group.list().ofMaxSize(3), group.list().ofMaxSize(3))
            .as((left, right) -> String.join(":", left) + "::" + String.join(":", right));
    return Arbitraries.oneOf(full, compressed, Arbitraries.of("::1", "::", "fe80::1"));
  }

  /** Registry hosts: domain names, {@code localhost}, IPv4:port and bracketed IPv6, [:port]. */
  public static Arbitrary<RegistryHost> registryHosts() {
    Arbitrary<String> port = ports().map(p -> ":" + p);
    Arbitrary<String> optionalPort = port.optional(0.4).map(p -> p.orElse(""));
    return Arbitraries.oneOf(
            Combinators.combine(domainNames(), optionalPort).as(String::concat),
            optionalPort.map(p -> "localhost" + p),
            Combinators.combine(ipv4Addresses(), port).as(String::concat),
            Combinators.combine(ipv6Addresses(), optionalPort).as((a, p) -> "[" + a + "]" + p))
        .map(RegistryHost::new);
  }

  /** Full references: host, repository, optional tag and optional digest. */
  public static Arbitrary<Reference> references() {
    return Combinators.combine(
            registryHosts(), repositoryNames(), tags().optional(0.6), digests().optional(0.5))
        .as(Reference::new);
  }

  /** Media types: well-known ones and generated {@code type/subtype[; param=value]*}. */
  public static Arbitrary<MediaType> mediaTypes() {
    Arbitrary<String> name =
        Combinators.combine(
                Arbitraries.strings().withChars(ALNUM).ofLength(1),
                Arbitraries.strings().withChars(RESTRICTED_NAME_REST).ofMaxLength(30))
            .as(String::concat);
    Arbitrary<String> token = Arbitraries.strings().withChars(TOKEN).ofMinLength(1).ofMaxLength(10);
    Arbitrary<String> quoted =
        Arbitraries.strings()
            .withChars(ALNUM + " ,;=/()")
            .ofMaxLength(10)
            .map(s -> "\"" + s + "\"");
    Arbitrary<String> parameter =
        Combinators.combine(
                Arbitraries.of(";", "; ", " ;\t"), token, Arbitraries.oneOf(token, quoted))
            .as((sep, key, value) -> sep + key + "=" + value);
    Arbitrary<String> generated =
        Combinators.combine(name, name, parameter.list().ofMaxSize(2))
            .as((type, subtype, params) -> type + "/" + subtype + String.join("", params));
    return Arbitraries.oneOf(wellKnownMediaTypes(), generated.map(MediaType::new));
  }

  /** The media types Wharf names as constants. */
  public static Arbitrary<MediaType> wellKnownMediaTypes() {
    return Arbitraries.of(
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
  }

  /** Platforms of common os/architecture pairs, sometimes with variant, os.version, features. */
  public static Arbitrary<Platform> platforms() {
    return Combinators.combine(
            Arbitraries.of("amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64"),
            Arbitraries.of("linux", "windows", "darwin", "freebsd"),
            Arbitraries.of("10.0.17763.1879", "10.0.20348.587").optional(0.2),
            Arbitraries.of("win32k", "sse4").list().ofMaxSize(2),
            Arbitraries.of("v5", "v6", "v7", "v8").optional(0.3))
        .as(
            (architecture, os, osVersion, osFeatures, variant) ->
                new Platform(architecture, os, osVersion, osFeatures, variant, List.of()));
  }

  /** Annotation maps with a few keys, values of any printable text. */
  public static Arbitrary<Map<String, String>> annotations() {
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.of(
                "org.opencontainers.image.created",
                "org.opencontainers.image.ref.name",
                "org.opencontainers.image.title"),
            Arbitraries.strings()
                .withChars(LOWER_ALNUM + ".-_")
                .ofMinLength(1)
                .ofMaxLength(20)
                .map(s -> "com.example." + s));
    Arbitrary<String> value = Arbitraries.strings().withChars(TEXT).ofMaxLength(30);
    return Arbitraries.maps(key, value).ofMaxSize(3);
  }

  /** Descriptors of any media type, sometimes with urls, annotations, platform, data. */
  public static Arbitrary<Descriptor> descriptors() {
    return descriptors(mediaTypes());
  }

  /** Descriptors whose media type comes from {@code mediaTypes}. */
  public static Arbitrary<Descriptor> descriptors(Arbitrary<MediaType> mediaTypes) {
    Arbitrary<List<String>> urls =
        Arbitraries.strings()
            .withChars(LOWER_ALNUM)
            .ofMinLength(1)
            .ofMaxLength(10)
            .map(s -> "https://example.com/" + s)
            .list()
            .ofMaxSize(2);
    Arbitrary<Descriptor> plain =
        Combinators.combine(
                mediaTypes,
                digests(),
                Arbitraries.longs().between(0, Long.MAX_VALUE),
                urls,
                annotations(),
                platforms().optional(0.2),
                mediaTypes().optional(0.2))
            .as(
                (mediaType, digest, size, u, a, platform, artifactType) ->
                    new Descriptor(
                        mediaType, digest, size, u, a, Optional.empty(), platform, artifactType));
    Arbitrary<Descriptor> embedded =
        Combinators.combine(mediaTypes, Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
            .as(
                (mediaType, content) -> {
                  Bytes bytes = Bytes.of(content);
                  return Descriptor.of(mediaType, bytes).withData(bytes);
                });
    return Arbitraries.frequencyOf(Tuple.of(5, plain), Tuple.of(1, embedded));
  }

  /** Config descriptors, of an image or artifact config media type. */
  public static Arbitrary<Descriptor> configDescriptors() {
    return descriptors(
        Arbitraries.oneOf(
            Arbitraries.of(
                MediaType.OCI_IMAGE_CONFIG, MediaType.OCI_EMPTY_JSON, MediaType.HELM_CONFIG),
            mediaTypes().filter(m -> !m.isUnknownInReservedNamespace())));
  }

  /** Layer descriptors, of a layer media type or any other. */
  public static Arbitrary<Descriptor> layerDescriptors() {
    return descriptors(
        Arbitraries.oneOf(
            Arbitraries.of(
                MediaType.OCI_LAYER_TAR_GZIP,
                MediaType.OCI_LAYER_TAR_ZSTD,
                MediaType.DOCKER_LAYER_TAR_GZIP),
            mediaTypes().filter(m -> !m.isManifest() && !m.isUnknownInReservedNamespace())));
  }

  /** Index entries: descriptors of a manifest media type, usually with a platform. */
  public static Arbitrary<Descriptor> manifestDescriptors() {
    return Combinators.combine(
            descriptors(Arbitraries.of(MediaType.OCI_IMAGE_MANIFEST, MediaType.OCI_IMAGE_INDEX)),
            platforms().optional(0.8))
        .as((d, platform) -> platform.map(d::withPlatform).orElse(d));
  }

  /** OCI image manifests of a config and 1 to 4 layers, sometimes with extras. */
  public static Arbitrary<ImageManifest> imageManifests() {
    return Combinators.combine(
            configDescriptors(),
            layerDescriptors().list().ofMinSize(1).ofMaxSize(4),
            annotations(),
            mediaTypes().optional(0.2),
            manifestDescriptors().optional(0.2))
        .as(
            (config, layers, a, artifactType, subject) -> {
              ImageManifest m = ImageManifest.of(config, layers).withAnnotations(a);
              m = artifactType.map(m::withArtifactType).orElse(m);
              return subject.map(m::withSubject).orElse(m);
            });
  }

  /** OCI image indexes of 0 to 4 entries, sometimes with extras. */
  public static Arbitrary<ImageIndex> imageIndexes() {
    return Combinators.combine(
            manifestDescriptors().list().ofMaxSize(4),
            annotations(),
            mediaTypes().optional(0.2),
            manifestDescriptors().optional(0.2))
        .as(
            (manifests, a, artifactType, subject) -> {
              ImageIndex i = ImageIndex.of(manifests).withAnnotations(a);
              i = artifactType.map(i::withArtifactType).orElse(i);
              return subject.map(i::withSubject).orElse(i);
            });
  }

  /** Image manifests and image indexes. */
  public static Arbitrary<Manifest> manifests() {
    return Arbitraries.oneOf(imageManifests(), imageIndexes());
  }

  /** Image configurations with a platform, diff ids, and sometimes container config and history. */
  public static Arbitrary<ImageConfig> imageConfigs() {
    Arbitrary<Optional<String>> created =
        Arbitraries.of(
                "2024-01-02T03:04:05Z",
                "2015-10-31T22:22:56.015925234Z",
                "2024-06-01T12:00:00+02:00")
            .optional(0.7);
    Arbitrary<Optional<String>> text =
        Arbitraries.strings().withChars(TEXT).ofMaxLength(20).optional(0.3);
    Arbitrary<List<String>> strings =
        Arbitraries.strings().withChars(TEXT).ofMaxLength(12).list().ofMaxSize(3);
    Arbitrary<ImageConfig.ContainerConfig> containerConfig =
        Combinators.combine(
                text,
                Arbitraries.of("80/tcp", "8080/tcp", "53/udp").set().ofMaxSize(2),
                strings,
                strings.optional(0.5),
                strings.optional(0.5),
                Arbitraries.of("/data", "/var/lib/app").set().ofMaxSize(2),
                text,
                annotations())
            .as(
                (user, ports, env, entrypoint, cmd, volumes, workingDir, labels) ->
                    new ImageConfig.ContainerConfig(
                        user,
                        ports,
                        env,
                        entrypoint,
                        cmd,
                        volumes,
                        workingDir,
                        labels,
                        Optional.empty(),
                        Optional.empty()));
    Arbitrary<ImageConfig.History> history =
        Combinators.combine(created, text, text, text, Arbitraries.of(true, false))
            .as(ImageConfig.History::new);
    Arbitrary<ImageConfig.RootFs> rootfs =
        sha256Digests().list().ofMaxSize(4).map(ids -> new ImageConfig.RootFs("layers", ids));
    return Combinators.combine(
            created,
            text,
            platforms(),
            containerConfig.optional(0.7),
            rootfs,
            history.list().ofMaxSize(3))
        .as(
            (c, author, p, config, r, h) ->
                new ImageConfig(
                    c,
                    author,
                    p.architecture(),
                    p.os(),
                    p.osVersion(),
                    p.osFeatures(),
                    p.variant(),
                    config,
                    r,
                    h));
  }

  /** JSON-like text of manifest, config and error-body fields, sometimes cut or corrupted. */
  public static Arbitrary<String> jsonLike() {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.of(
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
            Arbitraries.strings().withChars(TEXT).ofMaxLength(10).map(OciArbitraries::quote));
    Arbitrary<String> key =
        Arbitraries.of(
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
            "features",
            "created",
            "author",
            "rootfs",
            "type",
            "diff_ids",
            "history",
            "created_by",
            "empty_layer",
            "comment",
            "User",
            "Env",
            "Cmd",
            "Entrypoint",
            "ExposedPorts",
            "Volumes",
            "Labels",
            "WorkingDir",
            "StopSignal",
            "ArgsEscaped",
            "errors",
            "code",
            "message",
            "detail");
    Arbitrary<String> any =
        Arbitraries.recursive(
            () -> scalar,
            inner ->
                Arbitraries.oneOf(
                    inner,
                    inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"),
                    Arbitraries.maps(key, inner)
                        .ofMaxSize(4)
                        .map(
                            m ->
                                m.entrySet().stream()
                                    .map(e -> quote(e.getKey()) + ":" + e.getValue())
                                    .collect(Collectors.joining(",", "{", "}")))),
            0,
            3);
    Arbitrary<String> object =
        Arbitraries.maps(key, any)
            .ofMaxSize(6)
            .map(
                m ->
                    m.entrySet().stream()
                        .map(e -> quote(e.getKey()) + ":" + e.getValue())
                        .collect(Collectors.joining(",", "{", "}")));
    Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(4, object), Tuple.of(1, any));
    Arbitrary<String> cut =
        Combinators.combine(value, Arbitraries.doubles().between(0, 1))
            .as((s, f) -> s.substring(0, (int) (s.length() * f)));
    Arbitrary<String> stray =
        Combinators.combine(
                value,
                Arbitraries.doubles().between(0, 1),
                Arbitraries.of("{", "}", "\"", ",", "\u0000", "\\", "[", ":"))
            .as(
                (s, f, c) -> {
                  int at = (int) (s.length() * f);
                  return s.substring(0, at) + c + s.substring(at);
                });
    return Arbitraries.frequencyOf(Tuple.of(6, value), Tuple.of(1, cut), Tuple.of(1, stray));
  }

  /** JSON-like text or random bytes in UTF-8/16/32, behind byte order marks or zero bytes. */
  public static Arbitrary<byte[]> jsonLikeBytes() {
    Arbitrary<Charset> charset =
        Arbitraries.of(
            StandardCharsets.UTF_8,
            StandardCharsets.UTF_16BE,
            StandardCharsets.UTF_16LE,
            Charset.forName("UTF-32BE"),
            Charset.forName("UTF-32LE"));
    Arbitrary<byte[]> prefix =
        Arbitraries.of(
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
    Arbitrary<byte[]> text = Combinators.combine(jsonLike(), charset).as((s, c) -> s.getBytes(c));
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    return Combinators.combine(prefix, Arbitraries.oneOf(text, random))
        .as(
            (p, body) -> {
              byte[] all = new byte[p.length + body.length];
              System.arraycopy(p, 0, all, 0, p.length);
              System.arraycopy(body, 0, all, p.length, body.length);
              return all;
            });
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
}

package io.wharf.oci.policy.scanner;

import static io.wharf.oci.model.testing.OciGenerators.anyByteArrays;
import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.letters;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.longs;
import static io.wharf.oci.model.testing.OciGenerators.maps;
import static io.wharf.oci.model.testing.OciGenerators.optionals;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.testing.OciGenerators;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Properties of what the scanner client parses: media type versions, retry delays, metadata, scan
 * request ids, the scan request it writes, and the redaction of secrets.
 */
class ScannerPropertiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+";
  private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  @Test
  void version_isTheParameterWrittenAfterAnyType() {
    qt().forAll(OciGenerators.wellKnownMediaTypes(), strings(TOKEN, 1, 12), booleans())
        .checkAssert(
            (type, version, quoted) -> {
              MediaType t =
                  MediaType.parse(
                      type.essence() + "; Version=" + (quoted ? "\"" + version + "\"" : version));
              assertThat(ScannerMediaTypes.version(t)).contains(version);
              assertThat(ScannerMediaTypes.sameType(t, type)).isTrue();
            });
  }

  @Test
  void delays_inSecondsAreReadAndCapped() {
    qt().forAll(longs(0, 9_999_999_999L))
        .checkAssert(
            s ->
                assertThat(ScannerClient.Delays.parse(Long.toString(s), NOW))
                    .contains(Duration.ofSeconds(Math.min(s, ScannerClient.Delays.MAX_SECONDS))));
  }

  @Test
  void delays_asHttpDatesAreTheTimeUntilThen() {
    qt().forAll(longs(-400_000, 400_000))
        .checkAssert(
            offset -> {
              String date =
                  DateTimeFormatter.RFC_1123_DATE_TIME.format(
                      NOW.plusSeconds(offset).atOffset(ZoneOffset.UTC));
              long expected = Math.max(0, Math.min(offset, ScannerClient.Delays.MAX_SECONDS));
              assertThat(ScannerClient.Delays.parse(date, NOW))
                  .contains(Duration.ofSeconds(expected));
            });
  }

  @Test
  void delays_ofAnyTextAreADelayOrNone_neverAFailure() {
    qt().forAll(anyStrings())
        .checkAssert(
            text -> {
              Optional<Duration> d = ScannerClient.Delays.parse(text.strip(), NOW);
              d.ifPresent(x -> assertThat(x).isBetween(Duration.ZERO, Duration.ofDays(1)));
            });
  }

  /** Metadata as an adapter writes it, with what the client should read from it. */
  private record Written(Bytes json, ScannerMetadata expected) {}

  private static Gen<Written> metadata() {
    Gen<MediaType> types = OciGenerators.wellKnownMediaTypes();
    Gen<Optional<String>> capabilityTypes = optionals(pick("vulnerability", "sbom", "future"), 50);
    Gen<List<Object[]>> capabilities =
        lists(
            capabilityTypes.zip(
                lists(types, 0, 4), lists(types, 0, 4), (t, c, p) -> new Object[] {t, c, p}),
            0,
            5);
    return letters(0, 20)
        .zip(
            letters(0, 20),
            capabilities,
            maps(letters(1, 10), anyStrings(0, 30), 0, 5),
            (name, version, caps, props) -> {
              ObjectNode root = JSON.createObjectNode();
              root.putObject("scanner").put("name", name).put("version", version);
              ArrayNode array = root.putArray("capabilities");
              List<ScannerCapability> expected = new ArrayList<>();
              boolean typed = false;
              for (Object[] c : caps) {
                @SuppressWarnings("unchecked")
                Optional<String> type = (Optional<String>) c[0];
                @SuppressWarnings("unchecked")
                List<MediaType> consumes = (List<MediaType>) c[1];
                @SuppressWarnings("unchecked")
                List<MediaType> produces = (List<MediaType>) c[2];
                ObjectNode node = array.addObject();
                type.ifPresent(t -> node.put("type", t));
                typed |= type.isPresent();
                consumes.forEach(t -> node.withArray("consumes_mime_types").add(t.value()));
                node.withArray("consumes_mime_types");
                produces.forEach(t -> node.withArray("produces_mime_types").add(t.value()));
                node.withArray("produces_mime_types");
                expected.add(
                    new ScannerCapability(
                        type.orElse("vulnerability"), consumes, produces, List.of()));
              }
              ObjectNode properties = root.putObject("properties");
              props.forEach(properties::put);
              ScannerMetadata m =
                  new ScannerMetadata(
                      name,
                      "",
                      version,
                      expected,
                      props,
                      typed ? ApiVersion.V1_2 : ApiVersion.V1_1);
              return new Written(write(root), m);
            });
  }

  @Test
  void metadata_readsWhatTheAdapterWrote() {
    qt().forAll(metadata())
        .checkAssert(
            w ->
                OciGenerators.unchecked(
                    () ->
                        assertThat(
                                ScannerJson.metadata(
                                    ScannerJson.object(w.json()), Optional.empty(), false))
                            .isEqualTo(w.expected())));
  }

  @Test
  void metadata_ofAnyBytesIsMetadataOrInvalid_neverAnotherFailure() {
    Gen<Bytes> mutated =
        metadata()
            .zip(longs(0, 10_000), anyByteArrays(), (w, at, junk) -> splice(w.json(), at, junk));
    qt().forAll(OciGenerators.oneOf(mutated, anyByteArrays().map(b -> Bytes.of(b))))
        .checkAssert(
            bytes -> {
              Throwable t =
                  catchThrowable(
                      () ->
                          ScannerJson.metadata(ScannerJson.object(bytes), Optional.empty(), true));
              assertThat(t)
                  .satisfiesAnyOf(
                      x -> assertThat(x).isNull(),
                      x -> assertThat(x).isInstanceOf(ScannerJson.Invalid.class));
            });
  }

  private static Bytes splice(Bytes json, long at, byte[] junk) {
    byte[] b = json.toByteArray();
    int i = (int) (at % (b.length + 1));
    byte[] out = new byte[b.length + junk.length];
    System.arraycopy(b, 0, out, 0, i);
    System.arraycopy(junk, 0, out, i, junk.length);
    System.arraycopy(b, i, out, i + junk.length, b.length - i);
    return Bytes.of(out);
  }

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@]{1,256}");

  @Test
  void scanRequestIds_areAcceptedExactlyWhenAPathSegmentCarriesThem() {
    qt().forAll(OciGenerators.oneOf(anyStrings(), strings(TOKEN + "~!$&'()*,;=:@/?#% ", 0, 300)))
        .checkAssert(
            text -> {
              boolean valid = ID.matcher(text).matches() && !text.equals(".") && !text.equals("..");
              Throwable t = catchThrowable(() -> new ScanRequestId(text));
              if (valid) {
                assertThat(t).isNull();
              } else {
                assertThat(t).isInstanceOf(IllegalArgumentException.class);
              }
            });
  }

  /** The optional parts of a scan request. */
  private record Extras(Optional<io.wharf.oci.model.ref.Tag> tag, Optional<String> token) {}

  @Test
  void scanRequests_carryEveryFieldAsTheOpenApiFileNamesIt() {
    Gen<Extras> extras =
        optionals(OciGenerators.tags(), 50).zip(optionals(strings(TOKEN, 4, 40), 50), Extras::new);
    qt().forAll(
            OciGenerators.repositoryNames(),
            OciGenerators.sha256Digests(),
            pick(ApiVersion.values()),
            extras)
        .checkAssert(
            (repo, digest, version, extra) -> {
              Optional<io.wharf.oci.model.ref.Tag> tag = extra.tag();
              Optional<String> token = extra.token();
              ScanRequest r =
                  ScanRequest.of(
                      java.net.URI.create("https://registry.example:5000"),
                      repo,
                      digest,
                      MediaType.OCI_IMAGE_MANIFEST);
              if (tag.isPresent()) {
                r = r.withTag(tag.get());
              }
              if (token.isPresent()) {
                r = r.withRegistryAuthorization("Bearer " + token.get());
              }
              JsonNode json = read(ScannerJson.scanRequest(r, version));
              assertThat(json.at("/registry/url").asText())
                  .isEqualTo("https://registry.example:5000");
              assertThat(json.at("/registry/authorization").isMissingNode())
                  .isEqualTo(token.isEmpty());
              assertThat(json.at("/artifact/repository").asText()).isEqualTo(repo.value());
              assertThat(json.at("/artifact/digest").asText()).isEqualTo(digest.toString());
              assertThat(json.at("/artifact/tag").isMissingNode()).isEqualTo(tag.isEmpty());
              assertThat(json.has("enabled_capabilities")).isEqualTo(version == ApiVersion.V1_2);
              assertThat(r.toString()).doesNotContain(token.map(t -> "Bearer " + t).orElse("\0"));
            });
  }

  @Test
  void secrets_neverSurviveRedaction() {
    qt().forAll(strings(TOKEN, 4, 60), anyStrings(0, 50), anyStrings(0, 50), booleans())
        .checkAssert(
            (secret, before, after, basic) -> {
              String header =
                  basic
                      ? "Basic "
                          + java.util.Base64.getEncoder()
                              .encodeToString(
                                  ("user:" + secret)
                                      .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                      : "Bearer " + secret;
              Secrets s = Secrets.of(List.of(Optional.of(header)));
              String redacted = s.redact(before + header + after + secret + before);
              assertThat(redacted).doesNotContain(secret).doesNotContain(header);
            });
  }

  private static Bytes write(JsonNode node) {
    try {
      return Bytes.of(JSON.writeValueAsBytes(node));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode read(Bytes bytes) {
    try {
      return JSON.readTree(bytes.toByteArray());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package io.wharf.oci.model.ref;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.longs;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.optionals;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.testing.OciGenerators;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class ReferencePropertiesTest {

  private static final String REFERENCE_CHARS = "abcxyzABZ0189:/@._-[]%+ \u00e9";

  // Round trips of generated references

  @Test
  void strictParseOfToStringGivesTheSameReference() {
    qt().forAll(OciGenerators.references())
        .checkAssert(r -> assertThat(Reference.parse(r.toString())).isEqualTo(r));
  }

  @Test
  void dockerParseOfToStringGivesTheSameReferenceWhenTagOrDigestIsGiven() {
    qt().forAll(referencesWithIdentifier())
        .checkAssert(r -> assertThat(ReferenceParser.docker().parse(r.toString())).isEqualTo(r));
  }

  @Test
  void partsOfGeneratedReferencesAreValidOnTheirOwn() {
    qt().forAll(OciGenerators.references())
        .checkAssert(
            r -> {
              assertThat(new RegistryHost(r.registry().value())).isEqualTo(r.registry());
              assertThat(RepositoryName.of(r.repository().value())).isEqualTo(r.repository());
              r.tag().ifPresent(t -> assertThat(Tag.of(t.value())).isEqualTo(t));
              if (r.hasIdentifier()) {
                String expected =
                    r.digest().map(Digest::toString).orElseGet(() -> r.tag().get().value());
                assertThat(r.identifier()).isEqualTo(expected);
              }
            });
  }

  @Test
  void dockerNormalisedReferencesAreFixpointsAndParseStrictly() {
    qt().forAll(referenceLikeStrings())
        .checkAssert(
            text -> {
              Reference r;
              try {
                r = ReferenceParser.docker().parse(text);
              } catch (InvalidContentException e) {
                return;
              }
              assertThat(r.hasIdentifier()).isTrue();
              assertThat(ReferenceParser.docker().parse(r.toString())).isEqualTo(r);
              assertThat(Reference.parse(r.toString())).isEqualTo(r);
            });
  }

  // Random text: either a value or InvalidContentException, never anything else

  @Test
  void strictParseOfAnyStringSucceedsOrFailsWithReferenceCode() {
    qt().forAll(anyStrings()).checkAssert(ReferencePropertiesTest::strictParseRoundTripsOrFails);
  }

  @Test
  void strictParseOfReferenceLikeStringSucceedsOrFailsWithReferenceCode() {
    qt().forAll(referenceLikeStrings())
        .checkAssert(ReferencePropertiesTest::strictParseRoundTripsOrFails);
  }

  @Test
  void dockerParseOfAnyStringSucceedsOrFailsWithReferenceCode() {
    qt().forAll(anyStrings())
        .checkAssert(
            text ->
                succeedsOrFailsWith(
                    () -> ReferenceParser.docker().parse(text),
                    ErrorCode.NAME_INVALID,
                    ErrorCode.TAG_INVALID,
                    ErrorCode.DIGEST_INVALID));
  }

  @Test
  void tagOfAnyStringSucceedsOrFailsWithTagInvalid() {
    qt().forAll(anyOrReferenceLike())
        .checkAssert(text -> succeedsOrFailsWith(() -> new Tag(text), ErrorCode.TAG_INVALID));
  }

  @Test
  void repositoryNameOfAnyStringSucceedsOrFailsWithNameInvalid() {
    qt().forAll(anyOrReferenceLike())
        .checkAssert(
            text -> succeedsOrFailsWith(() -> new RepositoryName(text), ErrorCode.NAME_INVALID));
  }

  @Test
  void registryHostOfAnyStringSucceedsOrFailsWithNameInvalid() {
    qt().forAll(anyOrReferenceLike())
        .checkAssert(
            text -> succeedsOrFailsWith(() -> new RegistryHost(text), ErrorCode.NAME_INVALID));
  }

  private static void strictParseRoundTripsOrFails(String text) {
    Reference r =
        succeedsOrFailsWith(
            () -> Reference.parse(text),
            ErrorCode.NAME_INVALID,
            ErrorCode.TAG_INVALID,
            ErrorCode.DIGEST_INVALID);
    if (r != null) {
      assertThat(r).hasToString(text);
      assertThat(Reference.parse(r.toString())).isEqualTo(r);
    }
  }

  private static <T> T succeedsOrFailsWith(Supplier<T> parse, ErrorCode... codes) {
    try {
      return parse.get();
    } catch (InvalidContentException e) {
      assertThat(e.code()).isIn((Object[]) codes);
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }

  /**
   * {@link OciGenerators#references()} that have a tag, a digest or both, as often relative to each
   * other as there (tag 60%, digest 50%, independent).
   */
  private static Gen<Reference> referencesWithIdentifier() {
    Gen<Optional<Tag>> tag = OciGenerators.tags().map(Optional::of);
    Gen<Optional<Digest>> digest = OciGenerators.digests().map(Optional::of);
    return Generate.frequency(
        Pair.of(3, references(tag, digest)),
        Pair.of(3, references(tag, in -> Optional.empty())),
        Pair.of(2, references(in -> Optional.empty(), digest)));
  }

  private static Gen<Reference> references(Gen<Optional<Tag>> tags, Gen<Optional<Digest>> digests) {
    return OciGenerators.registryHosts()
        .zip(OciGenerators.repositoryNames(), tags, digests, Reference::new);
  }

  private static Gen<String> referenceLikeStrings() {
    Gen<String> soup = strings(REFERENCE_CHARS, 0, 40);
    Gen<String> mutated =
        OciGenerators.references()
            .map(Reference::toString)
            .zip(
                longs(Long.MIN_VALUE, Long.MAX_VALUE),
                strings(REFERENCE_CHARS, 1, 3),
                ReferencePropertiesTest::mutate);
    Gen<String> bare =
        OciGenerators.repositoryNames()
            .zip(
                optionals(OciGenerators.tags(), 50),
                optionals(OciGenerators.digests(), 30),
                (name, tag, digest) ->
                    name + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse(""));
    return oneOf(soup, mutated, bare, OciGenerators.references().map(Reference::toString));
  }

  private static Gen<String> anyOrReferenceLike() {
    return oneOf(anyStrings(), referenceLikeStrings(), strings(REFERENCE_CHARS, 120, 300));
  }

  /** Deletes, replaces or inserts a few characters at a place picked by a seeded random. */
  private static String mutate(String text, long seed, String insert) {
    Random random = new Random(seed);
    int at = random.nextInt(text.length() + 1);
    int end = Math.min(text.length(), at + random.nextInt(3));
    return switch (random.nextInt(3)) {
      case 0 -> text.substring(0, at) + text.substring(end);
      case 1 -> text.substring(0, at) + insert + text.substring(end);
      default -> text.substring(0, at) + insert + text.substring(at);
    };
  }
}

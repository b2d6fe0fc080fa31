package io.wharf.oci.model.ref;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.testing.OciArbitraries;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ReferencePropertiesTest {

  private static final String REFERENCE_CHARS = "abcxyzABZ0189:/@._-[]%+ \u00e9";

  // Round trips of generated references

  @Property
  void strictParseOfToStringGivesTheSameReference(@ForAll("references") Reference r) {
    assertThat(Reference.parse(r.toString())).isEqualTo(r);
  }

  @Property
  void dockerParseOfToStringGivesTheSameReferenceWhenTagOrDigestIsGiven(
      @ForAll("referencesWithIdentifier") Reference r) {
    assertThat(ReferenceParser.docker().parse(r.toString())).isEqualTo(r);
  }

  @Property
  void partsOfGeneratedReferencesAreValidOnTheirOwn(@ForAll("references") Reference r) {
    assertThat(new RegistryHost(r.registry().value())).isEqualTo(r.registry());
    assertThat(RepositoryName.of(r.repository().value())).isEqualTo(r.repository());
    r.tag().ifPresent(t -> assertThat(Tag.of(t.value())).isEqualTo(t));
    if (r.hasIdentifier()) {
      String expected = r.digest().map(Digest::toString).orElseGet(() -> r.tag().get().value());
      assertThat(r.identifier()).isEqualTo(expected);
    }
  }

  @Property
  void dockerNormalisedReferencesAreFixpointsAndParseStrictly(
      @ForAll("referenceLikeStrings") String text) {
    Reference r;
    try {
      r = ReferenceParser.docker().parse(text);
    } catch (InvalidContentException e) {
      return;
    }
    assertThat(r.hasIdentifier()).isTrue();
    assertThat(ReferenceParser.docker().parse(r.toString())).isEqualTo(r);
    assertThat(Reference.parse(r.toString())).isEqualTo(r);
  }

  // Random text: either a value or InvalidContentException, never anything else

  @Property
  void strictParseOfAnyStringSucceedsOrFailsWithReferenceCode(@ForAll String text) {
    strictParseRoundTripsOrFails(text);
  }

  @Property
  void strictParseOfReferenceLikeStringSucceedsOrFailsWithReferenceCode(
      @ForAll("referenceLikeStrings") String text) {
    strictParseRoundTripsOrFails(text);
  }

  @Property
  void dockerParseOfAnyStringSucceedsOrFailsWithReferenceCode(@ForAll String text) {
    succeedsOrFailsWith(
        () -> ReferenceParser.docker().parse(text),
        ErrorCode.NAME_INVALID,
        ErrorCode.TAG_INVALID,
        ErrorCode.DIGEST_INVALID);
  }

  @Property
  void tagOfAnyStringSucceedsOrFailsWithTagInvalid(@ForAll("anyOrReferenceLike") String text) {
    succeedsOrFailsWith(() -> new Tag(text), ErrorCode.TAG_INVALID);
  }

  @Property
  void repositoryNameOfAnyStringSucceedsOrFailsWithNameInvalid(
      @ForAll("anyOrReferenceLike") String text) {
    succeedsOrFailsWith(() -> new RepositoryName(text), ErrorCode.NAME_INVALID);
  }

  @Property
  void registryHostOfAnyStringSucceedsOrFailsWithNameInvalid(
      @ForAll("anyOrReferenceLike") String text) {
    succeedsOrFailsWith(() -> new RegistryHost(text), ErrorCode.NAME_INVALID);
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

  @Provide
  Arbitrary<Reference> references() {
    return OciArbitraries.references();
  }

  @Provide
  Arbitrary<Reference> referencesWithIdentifier() {
    return OciArbitraries.references().filter(Reference::hasIdentifier);
  }

  @Provide
  Arbitrary<String> referenceLikeStrings() {
    Arbitrary<String> soup = Arbitraries.strings().withChars(REFERENCE_CHARS).ofMaxLength(40);
    Arbitrary<String> mutated =
        Combinators.combine(
                OciArbitraries.references().map(Reference::toString),
                Arbitraries.randoms(),
                Arbitraries.strings().withChars(REFERENCE_CHARS).ofMinLength(1).ofMaxLength(3))
            .as(ReferencePropertiesTest::mutate);
    Arbitrary<String> bare =
        Combinators.combine(
                OciArbitraries.repositoryNames(),
                OciArbitraries.tags().optional(0.5),
                OciArbitraries.digests().optional(0.3))
            .as(
                (name, tag, digest) ->
                    name + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse(""));
    return Arbitraries.oneOf(
        soup, mutated, bare, OciArbitraries.references().map(Reference::toString));
  }

  @Provide
  Arbitrary<String> anyOrReferenceLike() {
    return Arbitraries.oneOf(
        Arbitraries.strings(),
        referenceLikeStrings(),
        Arbitraries.strings().withChars(REFERENCE_CHARS).ofMinLength(120).ofMaxLength(300));
  }

  /** Deletes, replaces or inserts a few characters at a random place. */
  private static String mutate(String text, Random random, String insert) {
    int at = random.nextInt(text.length() + 1);
    int end = Math.min(text.length(), at + random.nextInt(3));
    return switch (random.nextInt(3)) {
      case 0 -> text.substring(0, at) + text.substring(end);
      case 1 -> text.substring(0, at) + insert + text.substring(end);
      default -> text.substring(0, at) + insert + text.substring(at);
    };
  }
}

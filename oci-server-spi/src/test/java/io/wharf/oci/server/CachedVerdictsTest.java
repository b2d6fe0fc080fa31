package io.wharf.oci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.sign.SignatureVerdict;
import io.wharf.oci.policy.sign.SignatureVerdicts.Key;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedVerdictsTest {

  private static final RepositoryName APP = RepositoryName.of("team/app");
  private static final Digest IMAGE = Digest.sha256(Bytes.utf8("image"));
  private static final Digest OTHER = Digest.sha256(Bytes.utf8("other"));
  private static final SignatureVerdict DENIED =
      SignatureVerdict.failed(List.of("no signature by key cosign.pub"));

  private final AtomicInteger computed = new AtomicInteger();

  private SignatureVerdict ask(CachedVerdicts cache, Key key) throws IOException {
    return cache.verdict(
        key,
        () -> {
          computed.incrementAndGet();
          return DENIED;
        });
  }

  private static Key key(Digest manifest, long revision, String rule) {
    return new Key(APP, manifest, revision, rule);
  }

  private static RegistryEvent event(
      RegistryEvent.Kind kind, Optional<Digest> subject, Set<Tag> tags) {
    return new RegistryEvent(
        kind,
        Instant.EPOCH,
        "r1",
        Optional.empty(),
        Identity.ANONYMOUS,
        Optional.empty(),
        Optional.of(APP),
        Optional.of(OTHER),
        Optional.empty(),
        subject,
        tags,
        Optional.empty(),
        Optional.empty(),
        201,
        List.of(),
        List.of());
  }

  @Test
  void aVerdictIsComputedOncePerManifestRevisionAndRule() throws IOException {
    CachedVerdicts cache = new CachedVerdicts(100);
    assertThat(ask(cache, key(IMAGE, 1, "signed"))).isEqualTo(DENIED);
    ask(cache, key(IMAGE, 1, "signed"));
    assertThat(computed).hasValue(1);
    ask(cache, key(IMAGE, 2, "signed"));
    ask(cache, key(IMAGE, 1, "other-rule"));
    ask(cache, new Key(RepositoryName.of("team/copy"), IMAGE, 1, "signed"));
    assertThat(computed).hasValue(4);
    assertThat(cache.size()).isEqualTo(4);
  }

  @Test
  void aVerdictIsJudgedAgainOnceItIsOlderThanTheMaximumAge() throws IOException {
    io.wharf.oci.model.testing.MutableClock clock =
        new io.wharf.oci.model.testing.MutableClock(java.time.Instant.EPOCH);
    CachedVerdicts cache = new CachedVerdicts(100, java.time.Duration.ofMinutes(10), clock);
    ask(cache, key(IMAGE, 1, "signed"));
    clock.advance(java.time.Duration.ofMinutes(10).minusMillis(1));
    ask(cache, key(IMAGE, 1, "signed"));
    assertThat(computed).hasValue(1);
    clock.advance(java.time.Duration.ofMillis(1));
    ask(cache, key(IMAGE, 1, "signed"));
    assertThat(computed).hasValue(2);
    ask(cache, key(IMAGE, 1, "signed"));
    assertThat(computed).hasValue(2);
    assertThatThrownBy(() -> new CachedVerdicts(1, java.time.Duration.ZERO, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSignatureAcceptedDespiteAFailedCheckIsLoggedWhenJudgedNotWhenServedFromTheCache()
      throws IOException {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    SignatureVerdict audited =
        SignatureVerdict.verified(List.of("expiry: the signature expired at 2023-06-27T05:21:21Z"));
    try {
      CachedVerdicts cache = new CachedVerdicts(100);
      for (int i = 0; i < 3; i++) {
        assertThat(cache.verdict(key(IMAGE, 1, "notarised"), () -> audited)).isEqualTo(audited);
      }
      cache.verdict(key(OTHER, 1, "notarised"), () -> SignatureVerdict.verified(List.of()));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(log)
        .contains(
            "WARN",
            "team/app@"
                + IMAGE
                + ": signature accepted by rule notarised despite: expiry: the"
                + " signature expired at 2023-06-27T05:21:21Z");
    assertThat(log.split("signature accepted", -1)).hasSize(2); // once, and not for OTHER
  }

  @Test
  void aReferrerOrACosignTagForgetsItsSubjectsVerdictsOnly() throws IOException {
    CachedVerdicts cache = new CachedVerdicts(100);
    ask(cache, key(IMAGE, 1, "a"));
    ask(cache, key(IMAGE, 2, "b"));
    ask(cache, key(OTHER, 1, "a"));

    cache.onEvent(event(RegistryEvent.Kind.MANIFEST_PUSHED, Optional.of(IMAGE), Set.of()));
    assertThat(cache.size()).isEqualTo(1);

    ask(cache, key(IMAGE, 1, "a"));
    Tag sig = new Tag("sha256-" + IMAGE.encoded() + ".sig");
    for (RegistryEvent.Kind kind :
        List.of(
            RegistryEvent.Kind.MANIFEST_PUSHED,
            RegistryEvent.Kind.TAG_MOVED,
            RegistryEvent.Kind.TAG_DELETED,
            RegistryEvent.Kind.MANIFEST_DELETED)) {
      ask(cache, key(IMAGE, 1, "a"));
      assertThat(cache.size()).isEqualTo(2);
      cache.onEvent(event(kind, Optional.empty(), Set.of(sig, new Tag("latest"))));
      assertThat(cache.size()).as(kind.toString()).isEqualTo(1);
    }
    cache.onEvent(event(RegistryEvent.Kind.MANIFEST_PULLED, Optional.of(OTHER), Set.of()));
    cache.onEvent(
        event(
            RegistryEvent.Kind.TAG_MOVED,
            Optional.empty(),
            Set.of(new Tag("sha256-" + OTHER.encoded() + ".att"))));
    assertThat(cache.size()).isZero();
  }

  @Test
  void aVerdictComputedWhileAnInvalidationRacedIsNotKept() throws IOException {
    CachedVerdicts cache = new CachedVerdicts(100);
    SignatureVerdict answer =
        cache.verdict(
            key(IMAGE, 1, "a"),
            () -> {
              cache.invalidate(APP, IMAGE); // a signature arrived while this pull verified
              return DENIED;
            });
    assertThat(answer).isEqualTo(DENIED);
    assertThat(cache.size()).isZero();
  }

  @Test
  void aFailedComputationKeepsNothing() {
    CachedVerdicts cache = new CachedVerdicts(100);
    assertThatThrownBy(
            () ->
                cache.verdict(
                    key(IMAGE, 1, "a"),
                    () -> {
                      throw new IOException("disk");
                    }))
        .isInstanceOf(IOException.class);
    assertThat(cache.size()).isZero();
  }

  @Test
  void itIsBounded() throws IOException {
    CachedVerdicts cache = new CachedVerdicts(8);
    for (int i = 0; i < 100; i++) {
      ask(cache, key(Digest.sha256(Bytes.utf8("image " + i)), 1, "a"));
    }
    assertThat(cache.size()).isBetween(1, 8);
    cache.clear();
    assertThat(cache.size()).isZero();
    assertThatThrownBy(() -> new CachedVerdicts(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

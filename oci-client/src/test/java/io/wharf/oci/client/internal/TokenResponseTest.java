package io.wharf.oci.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Token answers as the distribution token and OAuth2 specs print them. */
class TokenResponseTest {

  private static Bytes fixture(String name) throws IOException {
    return Bytes.of(
        Files.readAllBytes(Path.of("src/test/resources/fixtures/auth/token-spec", name)));
  }

  @Test
  void tokenWithExpiryAndIssuedAt() throws IOException {
    TokenResponse t = TokenResponse.parse(fixture("token-response.json"));
    assertThat(t.token()).startsWith("eyJ0eXAiOiJKV1Qi");
    assertThat(t.expiresIn()).isEqualTo(Duration.ofSeconds(3600));
    assertThat(t.issuedAt()).contains(Instant.parse("2009-11-10T23:00:00Z"));
    // Issued long ago by our clock: the lifetime counts from now.
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    assertThat(t.expiresAt(now)).isEqualTo(now.plusSeconds(3600));
    Instant close = Instant.parse("2009-11-10T23:10:00Z");
    assertThat(t.expiresAt(close)).isEqualTo(Instant.parse("2009-11-11T00:00:00Z"));
    assertThat(t.toString()).doesNotContain("eyJ");
  }

  @Test
  void tokenOnlyGetsTheDefaultLifetime() throws IOException {
    TokenResponse t = TokenResponse.parse(fixture("jwt-token-response.json"));
    assertThat(t.expiresIn()).isEqualTo(TokenResponse.MIN_EXPIRES_IN);
    assertThat(t.refreshToken()).isEmpty();
  }

  @Test
  void oauth2AccessTokenAndRefreshToken() throws IOException {
    TokenResponse t = TokenResponse.parse(fixture("oauth2-password-grant-response.json"));
    assertThat(t.token()).isEqualTo("eyJhbGciOiJFUzI1NiIsInR5");
    assertThat(t.expiresIn()).isEqualTo(Duration.ofSeconds(900));
    assertThat(t.refreshToken()).contains("kas9Da81Dfa8");
  }

  @Test
  void malformedAnswersAreRefused() throws IOException {
    assertThatThrownBy(() -> TokenResponse.parse(fixture("oauth2-refresh-response-MALFORMED.json")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> TokenResponse.parse(Bytes.utf8("{\"expires_in\":60}")))
        .hasMessageContaining("neither token nor access_token");
    assertThatThrownBy(() -> TokenResponse.parse(Bytes.utf8("{\"token\":\"a\\nb\"}")))
        .hasMessageContaining("header-safe");
    assertThatThrownBy(() -> TokenResponse.parse(Bytes.utf8("{\"token\":\"a\",\"token\":\"b\"}")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void retryAfterSecondsAndDates() {
    Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse("Wed, 01 Jan 2025 00:00:30 GMT", clock))
        .contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Tue, 31 Dec 2024 00:00:00 GMT", clock)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("99999999999", clock)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("soon", clock)).isEqualTo(Optional.empty());
    assertThat(RetryAfter.parse("-5", clock)).isEmpty();
  }
}

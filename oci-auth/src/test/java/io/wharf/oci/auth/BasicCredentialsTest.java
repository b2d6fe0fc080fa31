package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {

  private static String basic(String userColonSecret) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userColonSecret.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsNameAndSecretSplitAtTheFirstColon() {
    var parsed = BasicCredentials.parse(Optional.of(basic("alice:pa:ss wörd")));
    assertThat(parsed).isInstanceOf(BasicCredentials.Present.class);
    var c = ((BasicCredentials.Present) parsed).credentials();
    assertThat(c.username()).isEqualTo("alice");
    assertThat(c.secret()).isEqualTo("pa:ss wörd");
    assertThat(c.toString()).doesNotContain("pa:ss");
  }

  @Test
  void schemeIsCaseInsensitiveAndOtherSchemesAreNotBasic() {
    assertThat(BasicCredentials.parse(Optional.of("bAsIc " + basic("a:b").substring(6))))
        .isInstanceOf(BasicCredentials.Present.class);
    assertThat(BasicCredentials.parse(Optional.of("Bearer abc")))
        .isInstanceOf(BasicCredentials.Absent.class);
    assertThat(BasicCredentials.parse(Optional.empty()))
        .isInstanceOf(BasicCredentials.Absent.class);
  }

  @Test
  void malformedCredentialsAreRefusedWithoutEchoingThem() {
    String[] bad = {
      "Basic",
      "Basic !!!not-base64!!!",
      basic("no-colon"),
      basic(":secret"),
      basic("alice:"),
      basic("ali\nce:secret"),
      basic("alice:" + "x".repeat(BasicCredentials.MAX_SECRET + 1)),
      basic("a".repeat(BasicCredentials.MAX_USER + 1) + ":s"),
      "Basic " + "A".repeat(BasicCredentials.MAX_HEADER),
      "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3, 0x28, ':', 'x'}),
    };
    for (String header : bad) {
      var parsed = BasicCredentials.parse(Optional.of(header));
      assertThat(parsed)
          .as(header.length() > 60 ? header.substring(0, 60) : header)
          .isInstanceOf(BasicCredentials.Malformed.class);
      assertThat(((BasicCredentials.Malformed) parsed).reason()).doesNotContain("secret");
    }
  }

  @Test
  void aLoneSurrogateIsSentAsAQuestionMarkAndReadAsOne() {
    var parsed = BasicCredentials.parse(Optional.of(basic("al\uD800ice:secret")));
    assertThat(parsed).isInstanceOf(BasicCredentials.Present.class);
    assertThat(((BasicCredentials.Present) parsed).credentials().username()).isEqualTo("al?ice");
  }

  @Test
  void anyHeaderIsReadOrRefusedNeverThrown() {
    qt().withExamples(2000)
        .forAll(strings().allPossible().ofLengthBetween(0, 200))
        .checkAssert(
            s -> {
              assertThat(BasicCredentials.parse(Optional.of("Basic " + s))).isNotNull();
              assertThat(BasicCredentials.parse(Optional.of(s))).isNotNull();
              var encoded = BasicCredentials.parse(Optional.of(basic(s)));
              if (encoded instanceof BasicCredentials.Present p) {
                // what a client sends: the text as UTF-8 (a lone surrogate cannot be: it goes as ?)
                assertThat(p.credentials().username() + ":" + p.credentials().secret())
                    .isEqualTo(
                        new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
              }
            });
  }
}

package io.wharf.oci.client.internal;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.booleans;
import static io.wharf.oci.model.testing.OciGenerators.letters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkHeaderTest {

  @Test
  void findsRelNextAmongSeveralLinks() {
    assertThat(
            LinkHeader.next(
                List.of(
                    "</v2/a/tags/list?n=2&last=b>; rel=\"prev\", "
                        + "</v2/a/tags/list?n=2&last=d>; rel=\"next\"")))
        .contains("/v2/a/tags/list?n=2&last=d");
    assertThat(LinkHeader.next(List.of("</x>; rel=next"))).contains("/x");
    assertThat(LinkHeader.next(List.of("</x>; rel=\"prev\""))).isEmpty();
    assertThat(LinkHeader.next(List.of("garbage <", "<>; rel=next"))).isEmpty();
    assertThat(LinkHeader.next(List.of("<" + "a".repeat(LinkHeader.MAX_LENGTH) + ">; rel=next")))
        .isEmpty();
  }

  @Test
  void resolvesOnlyWithinTheRegistrysOrigin() throws IOException {
    URI base = URI.create("https://r.example/v2/a/tags/list?n=2");
    assertThat(LinkHeader.resolveSameOrigin(base, "/v2/a/tags/list?last=x"))
        .isEqualTo(URI.create("https://r.example/v2/a/tags/list?last=x"));
    assertThatThrownBy(() -> LinkHeader.resolveSameOrigin(base, "https://evil.example/v2/"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("another origin");
    assertThatThrownBy(() -> LinkHeader.resolveSameOrigin(base, "http://r.example/v2/"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aFormattedNextLinkIsFound() {
    qt().forAll(letters(1, 50), booleans(), booleans())
        .checkAssert(
            (last, quoted, withPrev) -> {
              String target = "/v2/repo/tags/list?n=10&last=" + last;
              String next = "<" + target + ">; rel=" + (quoted ? "\"next\"" : "next");
              String header = withPrev ? "</v2/repo/tags/list>; rel=\"prev\", " + next : next;
              assertThat(LinkHeader.next(List.of(header))).contains(target);
            });
  }

  @Test
  void anyInputParsesWithoutThrowing() {
    qt().forAll(anyStrings()).checkAssert(header -> LinkHeader.next(List.of(header)));
  }
}

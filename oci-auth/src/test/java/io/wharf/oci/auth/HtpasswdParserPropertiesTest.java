package io.wharf.oci.auth;

import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The htpasswd parser never fails but with a {@link HtpasswdFormatException}, and reads what a
 * valid file says.
 */
class HtpasswdParserPropertiesTest {

  private static final String HASH_CHARS =
      "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** Hashes that look like bcrypt (not checked here: the parser only reads them). */
  private static Gen<String> bcryptLike() {
    return pick("$2y$", "$2a$", "$2b$")
        .zip(
            pick("04", "05", "10", "12", "31"),
            strings(HASH_CHARS, 53, 53),
            (p, c, h) -> p + c + "$" + h);
  }

  private static Gen<String> userNames() {
    return strings("abcdefghijklmnopqrstuvwxyz0123456789._-@é", 1, 20);
  }

  /** Lines of every kind: valid, near-valid, junk. */
  private static Gen<String> lines() {
    Gen<String> valid = userNames().zip(bcryptLike(), (u, h) -> u + ":" + h);
    Gen<String> otherHash =
        userNames()
            .zip(
                pick(
                    "$apr1$x$y",
                    "{SHA}abc=",
                    "plain",
                    "$2y$05$short",
                    "",
                    "$2y$99$" + "a".repeat(53)),
                (u, h) -> u + ":" + h);
    Gen<String> junk = anyStrings(0, 80);
    Gen<String> marks = pick("#", "", " ", ":", "\r", "::", "#:", "\t");
    return oneOf(valid, otherHash, junk, marks);
  }

  @Test
  void randomFilesParseOrFailWithATypedError() {
    qt().withExamples(2000)
        .forAll(lists(lines(), 0, 8))
        .checkAssert(
            lines -> {
              String text = String.join("\n", lines);
              byte[] content = text.getBytes(StandardCharsets.UTF_8);
              try {
                Map<String, String> users = HtpasswdParser.parse(content);
                assertThat(users.values()).allMatch(Bcrypt::isHash);
              } catch (HtpasswdFormatException e) {
                assertThat(e.line()).isBetween(0, text.split("\n", -1).length);
              }
            });
  }

  @Test
  void randomBytesParseOrFailWithATypedError() {
    qt().withExamples(2000)
        .forAll(io.wharf.oci.model.testing.OciGenerators.byteArrays(0, 300))
        .checkAssert(
            bytes -> {
              try {
                HtpasswdParser.parse(bytes);
              } catch (HtpasswdFormatException e) {
                assertThat(e.getMessage()).isNotEmpty();
              }
            });
  }

  @Test
  void aValidFileReadsAsWritten() {
    qt().withExamples(500)
        .forAll(lists(userNames().zip(bcryptLike(), List::of), 0, 10), pick("\n", "\r\n"))
        .checkAssert(
            (entries, eol) -> {
              Map<String, String> expected = new LinkedHashMap<>();
              StringBuilder file = new StringBuilder("# made by a test").append(eol);
              for (List<String> e : entries) {
                if (expected.putIfAbsent(e.get(0), e.get(1)) == null) {
                  file.append(e.get(0)).append(':').append(e.get(1)).append(eol).append(eol);
                }
              }
              assertThat(HtpasswdParser.parse(file.toString().getBytes(StandardCharsets.UTF_8)))
                  .containsExactlyEntriesOf(expected);
            });
  }
}

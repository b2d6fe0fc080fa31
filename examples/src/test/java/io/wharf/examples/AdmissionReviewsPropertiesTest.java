package io.wharf.examples;

import static io.wharf.oci.model.testing.OciGenerators.anyByteArrays;
import static io.wharf.oci.model.testing.OciGenerators.anyStrings;
import static io.wharf.oci.model.testing.OciGenerators.ints;
import static io.wharf.oci.model.testing.OciGenerators.lists;
import static io.wharf.oci.model.testing.OciGenerators.oneOf;
import static io.wharf.oci.model.testing.OciGenerators.pick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.examples.AdmissionReviews.MalformedReviewException;
import io.wharf.examples.AdmissionReviews.Review;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link AdmissionReviews#parse} on random input: a review of any workload kind with any containers
 * yields exactly its images; anything else (junk bytes, a review truncated, with one character
 * changed, or with a field of the wrong type) yields a review or a {@link MalformedReviewException}
 * with a one-line message, never another exception, and nothing hangs.
 */
class AdmissionReviewsPropertiesTest {

  private static final Duration GUARD = Duration.ofMinutes(5);

  private static final String VALID =
      "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
          + "{\"uid\":\"u1\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},"
          + "\"operation\":\"CREATE\",\"object\":{\"metadata\":{\"name\":\"n\"},\"spec\":{\"template\":"
          + "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}],"
          + "\"initContainers\":[{\"name\":\"b\",\"image\":\"init:v1\"}]}}}}}}";

  /** Values of the wrong type for any field. */
  private static final List<String> WRONG_TYPES =
      List.of("null", "7", "-1.5e300", "true", "\"s\"", "[]", "{}", "[{}]", "\"\"");

  /**
   * {@code valid} broken one way: truncated, one character replaced or inserted, one value replaced
   * by another type, or junk.
   */
  static Gen<String> broken(String valid) {
    Gen<String> truncated = ints(0, valid.length() - 1).map(n -> valid.substring(0, n));
    Gen<String> replaced =
        ints(0, valid.length() - 1)
            .zip(
                pick('"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', 'x', '1', ' ', 'é'),
                (i, c) -> valid.substring(0, i) + c + valid.substring(i + 1));
    Gen<String> inserted =
        ints(0, valid.length())
            .zip(
                pick("\"", "{", "]", ",", ":", "\\u0000", "null", "\uD800"),
                (i, s) -> valid.substring(0, i) + s + valid.substring(i));
    Gen<String> retyped =
        ints(0, valid.length() - 1)
            .zip(pick(WRONG_TYPES.toArray(new String[0])), (i, value) -> retype(valid, i, value));
    return oneOf(truncated, replaced, inserted, retyped, anyStrings(0, 300));
  }

  /**
   * {@code text} with the value of the first field after {@code from} replaced by {@code value}.
   */
  private static String retype(String text, int from, String value) {
    int colon = text.indexOf("\":", from);
    if (colon < 0) {
      return text;
    }
    int start = colon + 2;
    int end = valueEnd(text, start);
    return text.substring(0, start) + value + text.substring(end);
  }

  /** Where the JSON value at {@code start} ends (strings, objects and arrays, by nesting). */
  private static int valueEnd(String text, int start) {
    int depth = 0;
    boolean string = false;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (string) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          string = false;
          if (depth == 0) {
            return i + 1;
          }
        }
        continue;
      }
      switch (c) {
        case '"' -> string = true;
        case '{', '[' -> depth++;
        case '}', ']' -> {
          if (depth == 0) {
            return i;
          }
          depth--;
          if (depth == 0) {
            return i + 1;
          }
        }
        case ',' -> {
          if (depth == 0) {
            return i;
          }
        }
        default -> {}
      }
    }
    return text.length();
  }

  private static void parsesOrIsMalformed(byte[] body) {
    try {
      Review review = AdmissionReviews.parse(body);
      assertThat(review.uid()).isNotEmpty();
      assertThat(review.images())
          .doesNotHaveDuplicates()
          .allSatisfy(i -> assertThat(i).isNotBlank());
    } catch (MalformedReviewException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").hasSizeLessThan(400);
    }
  }

  @Test
  void brokenReviewsParseOrAreMalformedNeverAnotherException() {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(5000)
                .forAll(broken(VALID))
                .checkAssert(text -> parsesOrIsMalformed(text.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void junkBytesAreMalformed() {
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(3000)
                .forAll(anyByteArrays())
                .checkAssert(AdmissionReviewsPropertiesTest::parsesOrIsMalformed));
  }

  @Test
  void everyContainerImageOfEveryKindIsFound() {
    Gen<String> images =
        pick("nginx", "init:v1", "ghcr.io/a/b:c", "h:5000/x@sha256:" + "a".repeat(64), "r.io/q");
    assertTimeoutPreemptively(
        GUARD,
        () ->
            qt().withExamples(500)
                .forAll(
                    pick(
                        "Pod",
                        "Deployment",
                        "ReplicaSet",
                        "StatefulSet",
                        "DaemonSet",
                        "Job",
                        "ReplicationController",
                        "CronJob"),
                    lists(images, 0, 4),
                    lists(images, 0, 3),
                    lists(images, 0, 2))
                .checkAssert(
                    (kind, containers, init, ephemeral) -> {
                      String spec =
                          "{"
                              + list("containers", containers)
                              + ","
                              + list("initContainers", init)
                              + ","
                              + list("ephemeralContainers", ephemeral)
                              + "}";
                      String object =
                          switch (kind) {
                            case "Pod" -> "{\"spec\":" + spec + "}";
                            case "CronJob" ->
                                "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":"
                                    + "{\"spec\":"
                                    + spec
                                    + "}}}}}";
                            default -> "{\"spec\":{\"template\":{\"spec\":" + spec + "}}}";
                          };
                      String review =
                          "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                              + "\"request\":{\"uid\":\"u\",\"kind\":{\"kind\":\""
                              + kind
                              + "\"},\"object\":"
                              + object
                              + "}}";
                      Review parsed;
                      try {
                        parsed = AdmissionReviews.parse(review.getBytes(StandardCharsets.UTF_8));
                      } catch (MalformedReviewException e) {
                        throw new AssertionError(review, e);
                      }
                      java.util.Set<String> expected = new java.util.LinkedHashSet<>(containers);
                      expected.addAll(init);
                      expected.addAll(ephemeral);
                      assertThat(parsed.kind()).isEqualTo(kind);
                      assertThat(parsed.images()).containsExactlyElementsOf(expected);
                    }));
  }

  private static String list(String name, List<String> images) {
    StringBuilder s = new StringBuilder("\"" + name + "\":[");
    for (int i = 0; i < images.size(); i++) {
      s.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"");
      s.append(images.get(i)).append("\"}");
    }
    return s.append("]").toString();
  }

  @Test
  void theResponseCarriesTheUidAndTheDenial() throws Exception {
    String denied =
        new String(
            AdmissionReviews.response("u\"1", false, "a: no\nb: \"x\""), StandardCharsets.UTF_8);
    assertThat(denied)
        .isEqualTo(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
                + "{\"uid\":\"u\\\"1\",\"allowed\":false,\"status\":{\"code\":403,\"message\":"
                + "\"a: no\\nb: \\\"x\\\"\"}}}");
    assertThat(new String(AdmissionReviews.response("u", true, ""), StandardCharsets.UTF_8))
        .endsWith("\"response\":{\"uid\":\"u\",\"allowed\":true}}");
  }
}

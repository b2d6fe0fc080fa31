package io.wharf.oci.storage;

import static io.wharf.oci.model.testing.OciGenerators.longs;
import static io.wharf.oci.model.testing.OciGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.InvalidContentException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

  @Test
  void firstByteOnly() {
    assertThat(ByteRange.parse("bytes=0-0", 10)).isEqualTo(new ByteRange(0, 1));
    assertThat(ByteRange.parse("bytes=0-0", 1)).isEqualTo(new ByteRange(0, 1));
  }

  @Test
  void openEndedRangeRunsToTheEnd() {
    assertThat(ByteRange.parse("bytes=5-", 10)).isEqualTo(new ByteRange(5, 5));
    assertThat(ByteRange.parse("bytes=9-", 10)).isEqualTo(new ByteRange(9, 1));
    assertThat(ByteRange.parse("bytes=0-", 10)).isEqualTo(ByteRange.all(10));
  }

  @Test
  void suffixRangeCountsFromTheEnd() {
    assertThat(ByteRange.parse("bytes=-3", 10)).isEqualTo(new ByteRange(7, 3));
    assertThat(ByteRange.parse("bytes=-10", 10)).isEqualTo(ByteRange.all(10));
    assertThat(ByteRange.parse("bytes=-11", 10))
        .as("longer than the blob")
        .isEqualTo(ByteRange.all(10));
  }

  @Test
  void lastBytePastTheEndIsCutToTheEnd() {
    assertThat(ByteRange.parse("bytes=5-100", 10)).isEqualTo(new ByteRange(5, 5));
    assertThat(ByteRange.parse("bytes=2-4", 10)).isEqualTo(new ByteRange(2, 3));
    assertThat(ByteRange.parse(" bytes=2-4 ", 10)).isEqualTo(new ByteRange(2, 3));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=10-", "bytes=10-20", "bytes=11-11", "bytes=-0", "bytes=10-,20-30"})
  void rangeWithNoByteInTheBlobIsRangeInvalid416WithTheSize(String header) {
    assertUnsatisfiable(header, 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=0-", "bytes=0-0", "bytes=-1"})
  void noRangeIsSatisfiableForAnEmptyBlob(String header) {
    assertUnsatisfiable(header, 0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bytes=",
        "bytes=-",
        "bytes=a-b",
        "bytes=1-a",
        "bytes=+1-2",
        "bytes=-1-2",
        "0-1",
        "items=0-1",
        "bytes 0-1",
        "bytes=5-3",
        "bytes=0x1-2"
      })
  void aMalformedRangeOrAnotherUnitIsIgnoredAndRefusedOnlyByTheStrictParse(String header) {
    assertThat(ByteRange.resolve(header, 10)).as("'%s' is ignored", header).isEmpty();
    assertRangeInvalid(header, 10);
  }

  @Test
  void theUnitIsCaseInsensitive() {
    assertThat(ByteRange.resolve("Bytes=2-4", 10)).contains(new ByteRange(2, 3));
    assertThat(ByteRange.resolve("BYTES=-2", 10)).contains(new ByteRange(8, 2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"bytes=0-1,5-6", "bytes=0-1, 5-6", "bytes=-1,0-0", "bytes=20-,0-0", "bytes=0-0,"})
  void severalRangesOfWhichOneIsSatisfiableAreIgnored(String header) {
    assertThat(ByteRange.resolve(header, 10)).as("'%s' sends the whole blob", header).isEmpty();
    assertRangeInvalid(header, 10);
  }

  @Test
  void aHeaderOfMoreRangesThanTheBoundIsIgnoredUnread() {
    String many = "bytes=" + "20-30,".repeat(64) + "40-50";
    assertThat(ByteRange.resolve(many, 10)).isEmpty();
  }

  @Test
  void hugeNumbersAreCutOrUnsatisfiableNeverAnOverflow() {
    long max = Long.MAX_VALUE;
    assertThat(ByteRange.parse("bytes=0-" + max, 10)).isEqualTo(ByteRange.all(10));
    assertThat(ByteRange.parse("bytes=-" + max, 10)).isEqualTo(ByteRange.all(10));
    assertThat(ByteRange.parse("bytes=" + (max - 1) + "-" + max, max))
        .isEqualTo(new ByteRange(max - 1, 1));
    assertThat(ByteRange.parse("bytes=0-9223372036854775808", 10)).isEqualTo(ByteRange.all(10));
    assertThat(ByteRange.parse("bytes=-99999999999999999999", 10)).isEqualTo(ByteRange.all(10));
    assertThat(ByteRange.parse("bytes=3-" + "9".repeat(10_000), 10)).isEqualTo(new ByteRange(3, 7));
    assertUnsatisfiable("bytes=" + max + "-", 10);
    assertUnsatisfiable("bytes=9223372036854775808-", 10);
    assertUnsatisfiable("bytes=" + "9".repeat(10_000) + "-", max);
  }

  @Test
  void anyHeaderIsIgnoredResolvedWithinTheBlobOrUnsatisfiable() {
    qt().withExamples(5000)
        .forAll(strings("bytes=-0123456789, ", 0, 40), longs(0, 100))
        .checkAssert(
            (header, size) -> {
              try {
                ByteRange.resolve(header, size)
                    .ifPresent(
                        r -> {
                          assertThat(r.length()).isPositive();
                          assertThat(r.offset() + r.length()).isLessThanOrEqualTo(size);
                        });
              } catch (InvalidContentException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID);
                assertThat(e.detail()).contains(contentRangeOf(size));
              }
            });
  }

  @Test
  void constructorRefusesNegativeAndOverflowingRanges() {
    assertThatThrownBy(() -> new ByteRange(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ByteRange(0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ByteRange(Long.MAX_VALUE, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lastIsInclusive() {
    assertThat(new ByteRange(5, 5).last()).isEqualTo(9);
    assertThat(ByteRange.all(0).last()).isEqualTo(-1);
  }

  @Test
  void parsedRangeLiesWithinTheBlob() {
    qt().forAll(longs(1, 1_000_000), longs(0, 2_000_000), longs(0, 2_000_000))
        .checkAssert(
            (size, first, length) -> {
              String header = "bytes=" + first + "-" + (first + length);
              if (first >= size) {
                assertRangeInvalid(header, size);
                return;
              }
              ByteRange r = ByteRange.parse(header, size);
              assertThat(r.offset()).isEqualTo(first);
              assertThat(r.length()).isPositive();
              assertThat(r.offset() + r.length()).isLessThanOrEqualTo(size);
              assertThat(r.last()).isEqualTo(Math.min(first + length, size - 1));
            });
  }

  private static Map<String, String> contentRangeOf(long size) {
    return Map.of(ByteRange.CONTENT_RANGE_DETAIL, "bytes */" + size);
  }

  /** Unsatisfiable for both parsers, with the size for the 416's Content-Range. */
  private static void assertUnsatisfiable(String header, long size) {
    assertRangeInvalid(header, size);
    assertThatThrownBy(() -> ByteRange.resolve(header, size))
        .isInstanceOfSatisfying(
            InvalidContentException.class,
            e -> assertThat(e.detail()).contains(contentRangeOf(size)));
  }

  private static void assertRangeInvalid(String header, long size) {
    assertThatThrownBy(() -> ByteRange.parse(header, size))
        .as("'%s' of %d bytes", header, size)
        .isInstanceOfSatisfying(
            InvalidContentException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID);
              assertThat(e.httpStatus()).isEqualTo(416);
            });
  }
}

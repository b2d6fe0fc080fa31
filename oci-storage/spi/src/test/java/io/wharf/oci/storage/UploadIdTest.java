package io.wharf.oci.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.error.NotFoundException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UploadIdTest {

  @Test
  void randomIdsAre128BitsOfLowerCaseHexAndDistinct() {
    Set<UploadId> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      UploadId id = UploadId.random();
      assertThat(id.value()).matches("[0-9a-f]{32}");
      assertThat(seen.add(id)).as("duplicate %s", id).isTrue();
    }
  }

  @Test
  void idsCompareByValueAndPrintAsTheirValue() {
    UploadId id = UploadId.random();
    assertThat(new UploadId(id.value())).isEqualTo(id).hasSameHashCodeAs(id);
    assertThat(id).hasToString(id.value());
  }

  @Test
  void wellFormedIdsAreAccepted() {
    for (String ok : new String[] {"a", "Z", "0", "_", "-", "a-B_9", "x".repeat(128)}) {
      assertThat(new UploadId(ok).value()).isEqualTo(ok);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "..", "a/b", "../etc/passwd", "a b", "a.b", "a%2Fb", "é", "a\n", "a\u0000"})
  void malformedIdsNameNoUpload(String bad) {
    assertNoUpload(bad);
  }

  @Test
  void overlongIdNamesNoUpload() {
    assertNoUpload("x".repeat(129));
  }

  private static void assertNoUpload(String bad) {
    assertThatThrownBy(() -> new UploadId(bad))
        .as("'%s'", bad)
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN);
              assertThat(e.httpStatus()).isEqualTo(404);
            });
  }
}

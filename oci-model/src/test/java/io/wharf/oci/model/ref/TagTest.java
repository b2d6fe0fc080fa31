package io.wharf.oci.model.ref;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagTest {

  @Test
  void classInitialisesAndLatestIsATag() {
    assertThat(Tag.LATEST.value()).isEqualTo("latest");
    assertThat(Tag.of("v1.0").value()).isEqualTo("v1.0");
  }
}

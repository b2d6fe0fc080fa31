package io.wharf.oci.policy.sign;

import static org.assertj.core.api.Assertions.assertThat;

import io.wharf.oci.model.MediaType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignatureFormatTest {

  private static Optional<SignatureFormat> of(String artifactType) {
    return SignatureFormat.ofArtifactType(MediaType.parse(artifactType));
  }

  @Test
  void eachFormatIsFoundByItsArtifactType() {
    for (SignatureFormat format : SignatureFormat.values()) {
      assertThat(SignatureFormat.ofArtifactType(format.artifactType())).contains(format);
    }
  }

  @Test
  void olderBundleNamesAndParametersAreRecognised() {
    assertThat(of("application/vnd.dev.sigstore.bundle+json;version=0.2"))
        .contains(SignatureFormat.SIGSTORE_BUNDLE);
    assertThat(of("application/vnd.dev.sigstore.bundle+json; version=0.1"))
        .contains(SignatureFormat.SIGSTORE_BUNDLE);
    assertThat(of("application/vnd.cncf.notary.signature")).contains(SignatureFormat.NOTATION);
  }

  @Test
  void otherArtifactTypesAreNoSignatures() {
    assertThat(of("application/vnd.aquasec.trivy.report.v1+json")).isEmpty();
    assertThat(of("application/vnd.dev.cosign.simplesigning.v1+json")).isEmpty();
  }
}

package io.wharf.oci.client.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningKeyTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);

  @ParameterizedTest
  @EnumSource(SigningKey.Algorithm.class)
  void theCertificateIsAValidSelfSignedCa(SigningKey.Algorithm alg) throws Exception {
    SigningKey key = SigningKey.generate(alg, "wharf test", CLOCK);
    X509Certificate cert = key.certificate();
    cert.verify(key.keyPair().getPublic());
    cert.checkValidity(java.util.Date.from(CLOCK.instant()));
    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=wharf test");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThat(cert.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE); // CA, no path limit
    assertThat(cert.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(cert.getKeyUsage()[5]).isTrue(); // keyCertSign
    assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(cert.getSigAlgName()).isEqualTo(alg.jdkName());
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.parse("2030-01-02T02:04:05Z"));
    assertThat(key.certificatePem())
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("\n-----END CERTIFICATE-----\n");
    assertThat(Base64.getDecoder().decode(key.certificateBase64())).isEqualTo(cert.getEncoded());
  }

  @Test
  void es256SignaturesAreJoseRawRAndS() throws Exception {
    SigningKey key = SigningKey.generate(SigningKey.Algorithm.ES256, "es", CLOCK);
    for (int i = 0; i < 20; i++) { // R or S with a leading zero byte turns up in a few runs
      String input = "header.payload-" + i;
      byte[] sig = key.sign(input);
      assertThat(sig).hasSize(64);
      Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
      verifier.initVerify(key.keyPair().getPublic());
      verifier.update(input.getBytes(StandardCharsets.US_ASCII));
      assertThat(verifier.verify(sig)).isTrue();
    }
  }

  @Test
  void rs256SignaturesVerify() throws Exception {
    SigningKey key = SigningKey.generate(SigningKey.Algorithm.RS256, "rs", CLOCK);
    byte[] sig = key.sign("a.b");
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(key.certificate().getPublicKey());
    verifier.update("a.b".getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(sig)).isTrue();
  }

  @Test
  void derToJosePadsAndStripsIntegers() {
    // r = 0x00FF.. (DER adds a sign byte), s = 0x01 (short): both become 32 bytes
    byte[] r = new byte[33];
    r[1] = (byte) 0xFF;
    byte[] der = Der.sequence(Der.tlv(0x02, r), Der.integer(BigInteger.ONE));
    byte[] jose = Der.ecdsaDerToJose(der, 32);
    assertThat(jose).hasSize(64);
    assertThat(jose[0]).isEqualTo((byte) 0xFF);
    assertThat(jose[63]).isEqualTo((byte) 1);
    assertThat(HexFormat.of().formatHex(jose, 1, 63)).matches("0+");
    assertThatThrownBy(() -> Der.ecdsaDerToJose(Der.sequence(Der.integer(BigInteger.ONE)), 32))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void derEncodesOidsAndLongLengths() {
    assertThat(HexFormat.of().formatHex(Der.oid("1.2.840.10045.4.3.2")))
        .isEqualTo("06082a8648ce3d040302");
    byte[] big = Der.octetString(new byte[300]);
    assertThat(HexFormat.of().formatHex(big, 0, 4)).isEqualTo("0482012c");
  }

  @Test
  void libtrustKeyIdHasTwelveGroupsOfBase32() {
    String kid = SigningKey.generate(SigningKey.Algorithm.ES256, "k", CLOCK).libtrustKeyId();
    assertThat(kid).matches("[A-Z2-7]{4}(:[A-Z2-7]{4}){11}");
  }
}

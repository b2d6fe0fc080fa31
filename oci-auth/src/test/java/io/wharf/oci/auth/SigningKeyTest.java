package io.wharf.oci.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningKeyTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void loadOrCreateMakesTheKeyOnceAndKeepsIt() throws Exception {
    SigningKey first = SigningKey.loadOrCreate(dir);
    Path keyFile = dir.resolve(SigningKey.KEY_FILE);
    Path certFile = dir.resolve(SigningKey.CERTIFICATE_FILE);
    assertThat(keyFile).exists();
    assertThat(certFile).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(certFile)).isEqualTo(first.certificatePem());
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(2); // no temporary file left behind
    }

    SigningKey again = SigningKey.loadOrCreate(dir);
    assertThat(again.keyId()).isEqualTo(first.keyId());
    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(again.algorithm()).isEqualTo(SigningKey.Algorithm.ES256);
  }

  @ParameterizedTest
  @EnumSource(SigningKey.Algorithm.class)
  void theCertificateIsASelfSignedCaOfTheKey(SigningKey.Algorithm alg) throws Exception {
    SigningKey key = SigningKey.loadOrCreate(dir, alg, CLOCK);
    var cert = key.certificate();
    cert.verify(key.publicKey());
    cert.checkValidity(java.util.Date.from(CLOCK.instant()));
    assertThat(cert.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(cert.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(cert.getKeyUsage()[5]).isTrue(); // keyCertSign
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    assertThat(key.keyId()).matches("[A-Z2-7]{4}(:[A-Z2-7]{4}){11}");
    assertThat(SigningKey.loadOrCreate(dir).algorithm()).isEqualTo(alg);
  }

  /** The test token server of oci-client computes the libtrust key ID distribution matches. */
  @ParameterizedTest
  @EnumSource(io.wharf.oci.client.testsupport.SigningKey.Algorithm.class)
  void keyIdIsTheLibtrustKeyId(io.wharf.oci.client.testsupport.SigningKey.Algorithm alg) {
    var other = io.wharf.oci.client.testsupport.SigningKey.generate(alg, "other", CLOCK);
    SigningKey same =
        SigningKey.fromPem(
            TokenPem.encode("PRIVATE KEY", other.keyPair().getPrivate().getEncoded()),
            other.certificatePem());
    assertThat(same.keyId()).isEqualTo(other.libtrustKeyId());
    assertThat(same.algorithm().name()).isEqualTo(alg.name());
  }

  /** What {@code openssl ecparam -genkey} writes: SEC1 with the curve's OID and the public key. */
  @Test
  void fromPemReadsTheTraditionalEcEncoding() throws Exception {
    var other =
        io.wharf.oci.client.testsupport.SigningKey.generate(
            io.wharf.oci.client.testsupport.SigningKey.Algorithm.ES256, "sec1", CLOCK);
    ECPrivateKey privateKey = (ECPrivateKey) other.keyPair().getPrivate();
    var spki = SubjectPublicKeyInfo.getInstance(other.keyPair().getPublic().getEncoded());
    byte[] sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
                256, privateKey.getS(), spki.getPublicKeyData(), SECObjectIdentifiers.secp256r1)
            .getEncoded();
    String pem = TokenPem.encode("EC PRIVATE KEY", sec1);
    SigningKey read = SigningKey.fromPem(pem, other.certificatePem());
    assertThat(read.keyId()).isEqualTo(other.libtrustKeyId());
    // A certificate of another key is refused.
    String otherCert = SigningKey.generate(SigningKey.Algorithm.ES256, "x", CLOCK).certificatePem();
    assertThatThrownBy(() -> SigningKey.fromPem(pem, otherCert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not of the private key");
  }

  @Test
  void weakOrUnusableKeysAreRefused() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    String weak = TokenPem.encode("PRIVATE KEY", rsa.generateKeyPair().getPrivate().getEncoded());
    String cert = SigningKey.generate(SigningKey.Algorithm.RS256, "x", CLOCK).certificatePem();
    assertThatThrownBy(() -> SigningKey.fromPem(weak, cert)).hasMessageContaining("2048");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    String p384 = TokenPem.encode("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded());
    assertThatThrownBy(() -> SigningKey.fromPem(p384, cert)).hasMessageContaining("P-256");
    assertThatThrownBy(() -> SigningKey.fromPem("not pem", cert))
        .hasMessageContaining("no PRIVATE KEY");
    assertThatThrownBy(
            () ->
                SigningKey.fromPem(
                    "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", cert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("!!!!");
  }

  @Test
  void aKeyWithoutItsCertificateIsNotSilentlyReplaced() throws Exception {
    SigningKey.loadOrCreate(dir);
    Files.delete(dir.resolve(SigningKey.CERTIFICATE_FILE));
    assertThatThrownBy(() -> SigningKey.loadOrCreate(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no certificate");
  }

  @Test
  void aCertificateWithoutItsKeyMeansANewPair() throws Exception {
    SigningKey first = SigningKey.loadOrCreate(dir);
    Files.delete(dir.resolve(SigningKey.KEY_FILE)); // as a crash between the two writes leaves it
    SigningKey second = SigningKey.loadOrCreate(dir);
    assertThat(second.keyId()).isNotEqualTo(first.keyId());
    assertThat(SigningKey.loadOrCreate(dir).keyId()).isEqualTo(second.keyId());
  }

  @Test
  void toStringNamesTheKeyIdNeverTheKey() {
    SigningKey key = SigningKey.generate(SigningKey.Algorithm.ES256, "x", CLOCK);
    String pemBody = key.privateKeyPem().lines().skip(1).findFirst().orElseThrow();
    assertThat(key.toString()).contains(key.keyId()).doesNotContain(pemBody);
  }
}

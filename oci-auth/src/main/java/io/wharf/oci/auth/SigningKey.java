package io.wharf.oci.auth;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs Wharf's registry tokens: an EC P-256 key ({@link Algorithm#ES256}, the
 * default) or an RSA key of 2048 bits or more ({@link Algorithm#RS256}), with a self-signed X.509
 * certificate of its public key. A registry that trusts Wharf (CNCF distribution's {@code auth:
 * token: rootcertbundle:}) is given the certificate; tokens name the key by its {@link #keyId()},
 * the libtrust key ID distribution looks keys of its bundle up by.
 *
 * <p>{@link #loadOrCreate(Path)} keeps the key in a data folder ({@value #KEY_FILE}, PKCS#8, file
 * mode 0600 where the file system is POSIX; {@value #CERTIFICATE_FILE}) and makes it on the first
 * start; {@link #fromPem} takes one given in configuration. Immutable and thread-safe; {@link
 * #toString()} names the algorithm and key ID, never the key.
 */
public final class SigningKey {

  /** The private key's file in the folder of {@link #loadOrCreate(Path)}: PKCS#8 PEM. */
  public static final String KEY_FILE = "token-signing-key.pem";

  /** The certificate's file in the folder of {@link #loadOrCreate(Path)}: PEM. */
  public static final String CERTIFICATE_FILE = "token-signing-cert.pem";

  /** How long a generated certificate is valid: distribution checks it only in x5c chains. */
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(3650);

  private static final Logger log = LoggerFactory.getLogger(SigningKey.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  /** The JWS algorithms Wharf signs tokens with (RFC 7518 section 3.1). */
  public enum Algorithm {
    /** ECDSA on P-256 with SHA-256: small keys, fast signatures. The default. */
    ES256("SHA256withECDSA"),
    /** RSASSA-PKCS1-v1_5 with SHA-256, for a key of 2048 bits or more. */
    RS256("SHA256withRSA");

    private final String jcaName;

    Algorithm(String jcaName) {
      this.jcaName = jcaName;
    }

    String jcaName() {
      return jcaName;
    }
  }

  private final Algorithm algorithm;
  private final PrivateKey privateKey;
  private final X509Certificate certificate;
  private final String keyId;

  private SigningKey(Algorithm algorithm, PrivateKey privateKey, X509Certificate certificate) {
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.certificate = certificate;
    this.keyId = libtrustKeyId(certificate.getPublicKey());
  }

  /**
   * A new key for {@code algorithm} with a self-signed certificate ({@code CN=<commonName>}, valid
   * from an hour before the clock's now for ten years, a CA so that it can root an x5c chain).
   */
  public static SigningKey generate(Algorithm algorithm, String commonName, Clock clock) {
    Objects.requireNonNull(algorithm, "algorithm");
    try {
      KeyPairGenerator generator;
      if (algorithm == Algorithm.ES256) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
      }
      KeyPair pair = generator.generateKeyPair();
      X509Certificate cert =
          selfSigned(algorithm, pair.getPrivate(), pair.getPublic(), commonName, clock.instant());
      return new SigningKey(algorithm, pair.getPrivate(), cert);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a " + algorithm + " signing key", e);
    }
  }

  /**
   * The key kept in {@code folder}, made there ({@link Algorithm#ES256}) on the first call. See
   * {@link #loadOrCreate(Path, Algorithm, Clock)}.
   */
  public static SigningKey loadOrCreate(Path folder) throws IOException {
    return loadOrCreate(folder, Algorithm.ES256, Clock.systemUTC());
  }

  /**
   * The key kept in {@code folder} ({@value #KEY_FILE} and {@value #CERTIFICATE_FILE}), or, when
   * the folder has no key yet, a new one for {@code algorithm}, written there first. Each file is
   * written to a temporary file and renamed, so a crash leaves either no file or a whole one; the
   * certificate is written first, so a crash between the two leaves no key and the next start makes
   * a new pair. The folder is created when missing.
   *
   * @throws IOException when the files cannot be read or written
   * @throws IllegalArgumentException when the files hold no usable key, or a certificate of another
   *     key
   */
  public static SigningKey loadOrCreate(Path folder, Algorithm algorithm, Clock clock)
      throws IOException {
    Files.createDirectories(folder);
    Path keyFile = folder.resolve(KEY_FILE);
    Path certFile = folder.resolve(CERTIFICATE_FILE);
    if (Files.exists(keyFile)) {
      warnIfReadableByOthers(keyFile);
      if (!Files.exists(certFile)) {
        throw new IllegalArgumentException(
            keyFile
                + " has no certificate beside it ("
                + CERTIFICATE_FILE
                + "): restore it, or delete the key to make a new pair");
      }
      return fromPem(read(keyFile), read(certFile));
    }
    SigningKey created = generate(algorithm, "Wharf token signing key", clock);
    // The certificate first: a crash in between leaves no key, so the next start makes a new pair.
    writeAtomically(certFile, created.certificatePem(), false);
    writeAtomically(keyFile, created.privateKeyPem(), true);
    log.info("made a new {} token signing key {} in {}", algorithm, created.keyId, folder);
    return created;
  }

  /**
   * The key of {@code privateKeyPem} (PKCS#8 {@code PRIVATE KEY}, or {@code EC PRIVATE KEY} /
   * {@code RSA PRIVATE KEY}) with the certificate of {@code certificatePem} (the first {@code
   * CERTIFICATE} block), as given in configuration.
   *
   * @throws IllegalArgumentException when either is malformed, the key is neither P-256 nor RSA of
   *     2048 bits or more, or the certificate is not of this key
   */
  public static SigningKey fromPem(String privateKeyPem, String certificatePem) {
    PrivateKey key = TokenPem.privateKey(privateKeyPem);
    Algorithm alg = algorithmOf(key);
    var certificates = TokenPem.certificates(certificatePem);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no CERTIFICATE block in the certificate PEM text");
    }
    X509Certificate cert = certificates.get(0);
    if (!matches(alg, key, cert.getPublicKey())) {
      throw new IllegalArgumentException("the certificate is not of the private key");
    }
    return new SigningKey(alg, key, cert);
  }

  /** The JWS algorithm this key signs with. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /**
   * The libtrust key ID of the public key, the JWS {@code kid} of Wharf's tokens: SHA-256 of the
   * DER SubjectPublicKeyInfo, its first 240 bits in base32 (RFC 4648), in 12 groups of 4 characters
   * joined by {@code :}. Distribution 2.8 finds the keys of its {@code rootcertbundle} by it.
   */
  public String keyId() {
    return keyId;
  }

  /** The public key. */
  public PublicKey publicKey() {
    return certificate.getPublicKey();
  }

  /** The self-signed certificate of the public key. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The certificate as PEM: what a registry trusting Wharf is given as its root certificate. */
  public String certificatePem() {
    try {
      return TokenPem.encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode the certificate", e);
    }
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  String privateKeyPem() {
    return TokenPem.encode("PRIVATE KEY", privateKey.getEncoded());
  }

  /** The algorithm and key ID; never the key. */
  @Override
  public String toString() {
    return "SigningKey[" + algorithm + ", kid=" + keyId + "]";
  }

  /** The libtrust key ID of {@code key} (see {@link #keyId()}). */
  static String libtrustKeyId(PublicKey key) {
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
    String b32 = base32(Arrays.copyOf(hash, 30));
    StringBuilder id = new StringBuilder(59);
    for (int i = 0; i < b32.length(); i += 4) {
      if (i > 0) {
        id.append(':');
      }
      id.append(b32, i, i + 4);
    }
    return id.toString();
  }

  private static String base32(byte[] bytes) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >>> (bits - 5)) & 0x1F));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 0x1F));
    }
    return out.toString();
  }

  private static Algorithm algorithmOf(PrivateKey key) {
    if (key instanceof ECPrivateKey ec) {
      if (ec.getParams().getCurve().getField().getFieldSize() != 256
          || !ec.getParams().getOrder().equals(P256_ORDER)) {
        throw new IllegalArgumentException("an EC signing key is on P-256");
      }
      return Algorithm.ES256;
    }
    if (key instanceof RSAPrivateKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw new IllegalArgumentException("an RSA signing key has 2048 bits or more");
      }
      return Algorithm.RS256;
    }
    throw new IllegalArgumentException("a signing key is EC (P-256) or RSA");
  }

  private static final BigInteger P256_ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  /** Whether {@code publicKey} verifies what {@code privateKey} signs. */
  private static boolean matches(Algorithm alg, PrivateKey privateKey, PublicKey publicKey) {
    try {
      byte[] probe = "wharf signing key probe".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(alg.jcaName());
      signer.initSign(privateKey, RANDOM);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(alg.jcaName());
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static X509Certificate selfSigned(
      Algorithm algorithm, PrivateKey key, PublicKey publicKey, String commonName, Instant now)
      throws GeneralSecurityException {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(63, RANDOM).add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(CERTIFICATE_VALIDITY)),
            name,
            publicKey);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder(algorithm.jcaName()).build(key)));
      cert.verify(publicKey);
      return cert;
    } catch (CertIOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot make the certificate", e);
    }
  }

  private static String read(Path file) throws IOException {
    if (Files.size(file) > TokenPem.MAX_PEM_CHARS) {
      throw new IllegalArgumentException(file + " is too large for a PEM key or certificate");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static boolean posix(Path folder) {
    return folder.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void warnIfReadableByOthers(Path keyFile) throws IOException {
    if (posix(keyFile)) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
      if (!OWNER_ONLY.containsAll(permissions)) {
        log.warn(
            "the token signing key {} can be read by others ({}); chmod 600 it",
            keyFile,
            PosixFilePermissions.toString(permissions));
      }
    }
  }

  /** Writes {@code text} to a temporary file in the same folder, syncs it, and renames it. */
  private static void writeAtomically(Path target, String text, boolean secret) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    boolean posix = posix(folder);
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(folder, "." + target.getFileName(), ".tmp", attributes);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      if (posix && !secret) {
        Files.setPosixFilePermissions(temp, READABLE);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    if (FileSystems.getDefault().equals(folder.getFileSystem())) {
      syncDirectory(folder);
    }
  }

  private static void syncDirectory(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory; the rename is still atomic.
      log.debug("cannot sync folder {}: {}", folder, e.toString());
    }
  }
}

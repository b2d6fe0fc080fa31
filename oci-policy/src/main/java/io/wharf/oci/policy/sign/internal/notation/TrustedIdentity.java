package io.wharf.oci.policy.sign.internal.notation;

import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * A trusted identity of a trust policy statement, {@code x509.subject: C=US, ST=WA, O=Notary,
 * CN=e2e}: the signing certificate's subject must hold each of its attributes with the same value
 * (it may hold more), as Notation matches them. The distinguished name must name C, ST and O, and
 * each attribute once.
 *
 * @param text the identity as the document writes it
 * @param attributes the attribute values by type (OID)
 */
record TrustedIdentity(String text, Map<String, String> attributes) {

  /** The prefix of the identities Notation verifies itself (others belong to plugins). */
  static final String X509_SUBJECT = "x509.subject";

  private static final String COUNTRY = "2.5.4.6";
  private static final String STATE = "2.5.4.8";
  private static final String ORGANIZATION = "2.5.4.10";

  TrustedIdentity {
    attributes = Map.copyOf(attributes);
  }

  /**
   * The identity of {@code dn}, a distinguished name as RFC 4514 writes it.
   *
   * @throws IllegalArgumentException when it does not parse, names an attribute twice, or lacks C,
   *     ST or O
   */
  static TrustedIdentity parse(String text, String dn) {
    Map<String, String> attributes = attributes(new X500Principal(dn.trim()));
    for (String mandatory : new String[] {COUNTRY, STATE, ORGANIZATION}) {
      if (!attributes.containsKey(mandatory)) {
        throw new IllegalArgumentException(
            "the distinguished name lacks a mandatory attribute: it must name C, ST and O");
      }
    }
    return new TrustedIdentity(text, attributes);
  }

  /** Whether {@code leaf}'s subject holds every attribute of this identity. */
  boolean matches(X509Certificate leaf) {
    Optional<Map<String, String>> subject = subjectOf(leaf);
    return subject.isPresent() && isSubsetOf(subject.get());
  }

  /** Whether every attribute of this identity is in {@code other} with the same value. */
  boolean isSubsetOf(Map<String, String> other) {
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      if (!e.getValue().equals(other.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static Optional<Map<String, String>> subjectOf(X509Certificate leaf) {
    try {
      return Optional.of(attributes(leaf.getSubjectX500Principal()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> attributes(X500Principal principal) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (RDN rdn : X500Name.getInstance(principal.getEncoded()).getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        ASN1ObjectIdentifier type = atv.getType();
        String value = IETFUtils.valueToString(atv.getValue());
        if (attributes.putIfAbsent(type.getId(), value) != null) {
          throw new IllegalArgumentException(
              "the distinguished name names attribute " + type.getId() + " twice");
        }
      }
    }
    return attributes;
  }
}

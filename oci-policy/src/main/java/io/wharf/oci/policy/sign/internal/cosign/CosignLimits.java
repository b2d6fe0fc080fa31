package io.wharf.oci.policy.sign.internal.cosign;

/** The bounds on what a stranger's signature may make a verifier read and do. */
final class CosignLimits {

  /** The largest simple-signing payload (cosign's are a few hundred bytes). */
  static final int MAX_PAYLOAD_BYTES = 64 * 1024;

  /** The largest Sigstore bundle layer (a DSSE provenance bundle is tens of KiB). */
  static final int MAX_BUNDLE_BYTES = 1024 * 1024;

  /** The largest annotation read (certificate, chain, Rekor bundle). */
  static final int MAX_ANNOTATION_BYTES = 64 * 1024;

  /** The most layers of one signature manifest that are checked. */
  static final int MAX_LAYERS = 32;

  /** The longest certificate chain, leaf included. */
  static final int MAX_CHAIN = 10;

  /** The most transparency-log entries of one bundle. */
  static final int MAX_TLOG_ENTRIES = 8;

  /** The most hashes of an inclusion proof (a tree of 2^64 leaves needs 64). */
  static final int MAX_PROOF_HASHES = 64;

  /** The most DSSE signatures and in-toto subjects looked at. */
  static final int MAX_LIST = 64;

  /** The most subjects of an in-toto statement looked at. */
  static final int MAX_SUBJECTS = 1024;

  /** The largest trusted root document. */
  static final int MAX_TRUSTED_ROOT_BYTES = 1024 * 1024;

  /** The most authorities or logs of each kind in a trusted root. */
  static final int MAX_AUTHORITIES = 64;

  private CosignLimits() {}
}

package io.wharf.oci.policy;

/**
 * How a signature rule judges an image index (an OCI image index or a Docker manifest list): by the
 * index's own signature, or by the signature of each child manifest.
 */
public enum IndexSignatures {
  /**
   * The index's own signature ({@code index: self}, the default): what {@code cosign sign} of a
   * multi-platform tag signs.
   */
  SELF,
  /**
   * Each child manifest's own signature ({@code index: children}): every platform must be signed
   * (BuildKit attestation manifests aside); reasons name the child's platform.
   */
  CHILDREN
}

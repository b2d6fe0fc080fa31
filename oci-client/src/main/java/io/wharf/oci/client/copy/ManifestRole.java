package io.wharf.oci.client.copy;

/** Why a manifest is written to an {@link ImageDestination}. */
public enum ManifestRole {
  /** The manifest the copy names: written last of its graph, under the destination's tag. */
  ROOT,
  /** A manifest an index lists: written by digest, before the index. */
  CHILD,
  /** A referrer (signature, SBOM, ...) of a copied manifest: written by digest, listed as such. */
  REFERRER
}

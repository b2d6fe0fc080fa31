/**
 * Verification outside the registry: the policies of {@code io.wharf.oci.policy} judged against any
 * OCI registry, with {@code io.wharf.oci.client} reading the facts. {@link
 * io.wharf.oci.verify.ImageVerifier} is the entry point; {@link io.wharf.oci.verify.RemoteContext}
 * is the policy engine's read-only view of a remote repository.
 */
module io.wharf.oci.verify {
  requires transitive io.wharf.oci.model;
  requires transitive io.wharf.oci.policy;
  requires transitive io.wharf.oci.client;
  requires static transitive org.jspecify;

  exports io.wharf.oci.verify;
}

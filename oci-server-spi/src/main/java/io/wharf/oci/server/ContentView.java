package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.policy.PolicyContext;
import java.io.IOException;
import java.util.Optional;

/**
 * A read-only view of one repository's content, for {@link AdmissionGate}s: its manifests, tags,
 * referrers and the blobs linked to it; the facts the policy engine reads ({@link PolicyContext}),
 * so a gate hands it to a policy as it is. During a push it shows the repository as it was before
 * the push. Every accessor may do I/O and fail. Nothing outside the repository is visible: a blob
 * is readable here only when it is linked to this repository, as on the wire.
 */
public interface ContentView extends PolicyContext {

  /** The size of blob {@code digest}, if it is linked to the repository. */
  Optional<Long> blobSize(Digest digest) throws IOException;
}

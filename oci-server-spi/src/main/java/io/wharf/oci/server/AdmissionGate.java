package io.wharf.oci.server;

import java.io.IOException;

/**
 * Judges a manifest before it is stored (push), served (pull by {@code GET}) or deleted: the hook
 * where policies plug in (vulnerability gates, required signatures, immutable tags, quotas). A gate
 * gets the manifest, its tags and a read-only view of the repository ({@link Admission}), and
 * answers with a {@link Decision}. A denial is {@code 403 DENIED} on the wire with every reason in
 * the message, and nothing is stored, served or deleted.
 *
 * <p>Gates are called after authentication and authorisation, in the order they were added to
 * {@link Registry.Builder#addGate}; every gate is asked (so that the user reads every reason at
 * once) and all must allow. A {@code HEAD} of a manifest is not gated: it serves no content, and
 * clients resolve a tag with it before they {@code GET}. Implementations are thread-safe; a gate
 * that throws fails the request with 500 UNKNOWN, so a broken policy never lets content through.
 */
@FunctionalInterface
public interface AdmissionGate {

  /**
   * The decision on {@code admission}.
   *
   * @throws IOException when the facts the gate needs cannot be read (the engine answers 500)
   */
  Decision admit(Admission admission) throws IOException;
}

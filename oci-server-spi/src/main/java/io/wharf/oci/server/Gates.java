package io.wharf.oci.server;

import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The registry's admission gates, asked in order; all must allow. */
final class Gates {

  private final List<AdmissionGate> gates;
  private final RegistryStorage storage;
  private final Events events;

  Gates(List<AdmissionGate> gates, RegistryStorage storage, Events events) {
    this.gates = List.copyOf(gates);
    this.storage = storage;
    this.events = events;
  }

  /** Whether there are gates at all. */
  boolean any() {
    return !gates.isEmpty();
  }

  /**
   * Asks every gate about {@code manifest}; a denial is thrown as {@code 403 DENIED} with every
   * reason, after a {@link RegistryEvent.Kind#DENIED} event.
   */
  void admit(Action action, RequestContext request, RawManifest manifest, Set<Tag> tags)
      throws IOException {
    if (gates.isEmpty()) {
      return;
    }
    Admission admission =
        new Admission(
            action,
            request,
            manifest,
            tags,
            new StoreContentView(request.repository().orElseThrow(), storage));
    Decision decision = Decision.allow();
    for (AdmissionGate gate : gates) {
      decision = decision.and(gate.admit(admission));
    }
    if (decision.denied()) {
      events.denied(
          request,
          403,
          decision.reasons(),
          Optional.of(manifest.digest()),
          Optional.of(manifest.mediaType()),
          tags);
      throw Refusal.denied(decision.reasons());
    }
  }
}

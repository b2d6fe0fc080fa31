package io.wharf.oci.server;

import java.util.EnumSet;
import java.util.Set;

/**
 * Hears {@link RegistryEvent}s, for audit logs, webhooks, replication triggers, scan-on-push and
 * metrics. Events are delivered after the fact on the registry's event thread, one at a time and in
 * the order they happened, through a bounded queue: a slow listener delays other listeners' events
 * but never a request, and when the queue is full new events are dropped and counted ({@link
 * Registry#droppedEvents()}) and a warning is logged. A listener that throws is logged and keeps
 * receiving events. Hand slow work (a webhook call) to your own executor.
 */
@FunctionalInterface
public interface RegistryEventListener {

  /** Called once per event of one of its {@link #kinds()}, on the registry's event thread. */
  void onEvent(RegistryEvent event);

  /**
   * The kinds of events this listener hears, asked once when the registry is built (default: every
   * kind). The registry makes no event that no listener hears: a listener that needs only pushes
   * adds nothing to a pull.
   */
  default Set<RegistryEvent.Kind> kinds() {
    return EnumSet.allOf(RegistryEvent.Kind.class);
  }
}

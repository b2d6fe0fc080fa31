package io.wharf.examples;

import io.wharf.oci.server.RegistryEvent;
import io.wharf.oci.server.RegistryEventListener;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RegistryEventListener} that writes one audit line per event through SLF4J, at INFO on
 * the logger {@code io.wharf.examples.AuditLog} (so the application's logging configuration can
 * send it to its own file):
 *
 * <pre>
 * MANIFEST_PUSHED actor=alice repository=demo/app digest=sha256:… tags=[1.0] status=201 request=5c1e0a9b-7
 * DENIED actor=anonymous repository=demo/app digest=- tags=[] status=401 request=5c1e0a9b-8 reasons=[wrong user name or password]
 * </pre>
 *
 * The request id is the one in the request's log line and its {@code X-Request-Id} header, so an
 * audit line leads to the request. Events never carry credentials: the actor is the {@link
 * io.wharf.oci.server.Identity}'s name, never a password or token. The registry calls listeners on
 * its own event thread, after the request was answered: a slow log never slows a push.
 */
public final class AuditLog implements RegistryEventListener {

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  @Override
  public void onEvent(RegistryEvent event) {
    if (!log.isInfoEnabled()) {
      return;
    }
    log.info(
        "{} actor={} repository={} digest={} tags={} status={} request={}{}",
        event.kind(),
        event.actor(),
        orDash(event.repository()),
        orDash(event.digest()),
        event.tags().stream().map(Object::toString).sorted().collect(Collectors.toList()),
        event.status(),
        event.requestId(),
        event.reasons().isEmpty() ? "" : " reasons=" + event.reasons());
  }

  private static String orDash(Optional<?> value) {
    return value.map(Object::toString).orElse("-");
  }
}

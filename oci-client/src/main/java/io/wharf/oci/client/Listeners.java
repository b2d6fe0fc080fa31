package io.wharf.oci.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a {@link TransferListener} and never lets its exceptions into a transfer. */
final class Listeners {

  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final TransferListener listener;

  Listeners(TransferListener listener) {
    this.listener = listener;
  }

  void started(Transfer t) {
    try {
      listener.started(t);
    } catch (RuntimeException e) {
      log.warn("transfer listener failed in started()", e);
    }
  }

  void progressed(Transfer t, long done) {
    try {
      listener.progressed(t, done);
    } catch (RuntimeException e) {
      log.warn("transfer listener failed in progressed()", e);
    }
  }

  void resumed(Transfer t, long offset) {
    try {
      listener.resumed(t, offset);
    } catch (RuntimeException e) {
      log.warn("transfer listener failed in resumed()", e);
    }
  }

  void finished(Transfer t) {
    try {
      listener.finished(t);
    } catch (RuntimeException e) {
      log.warn("transfer listener failed in finished()", e);
    }
  }

  void failed(Transfer t, Exception cause) {
    try {
      listener.failed(t, cause);
    } catch (RuntimeException e) {
      log.warn("transfer listener failed in failed()", e);
    }
  }
}

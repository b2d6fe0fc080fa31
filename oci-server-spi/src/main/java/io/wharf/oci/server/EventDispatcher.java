package io.wharf.oci.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the listeners on one thread, through a bounded queue: {@link #publish} never
 * blocks. Events beyond the queue's capacity are dropped, counted and logged (at most one warning
 * every {@link #WARN_INTERVAL}). Made only when there are listeners: without them, publishing costs
 * nothing.
 */
final class EventDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

  private final List<RegistryEventListener> listeners;
  private final BlockingQueue<RegistryEvent> queue;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicLong lastDropWarning = new AtomicLong(Long.MIN_VALUE);
  private volatile boolean closing;

  EventDispatcher(List<RegistryEventListener> listeners, int capacity) {
    this.listeners = List.copyOf(listeners);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "wharf-registry-events");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code event}, or drops and counts it when the queue is full or closed. */
  void publish(RegistryEvent event) {
    if (closing || !queue.offer(event)) {
      long n = dropped.incrementAndGet();
      long now = System.nanoTime();
      long last = lastDropWarning.get();
      if ((last == Long.MIN_VALUE || now - last >= WARN_INTERVAL.toNanos())
          && lastDropWarning.compareAndSet(last, now)) {
        log.warn(
            "registry event queue {}: dropped a {} event (request {}); {} dropped in all",
            closing ? "closed" : "full",
            event.kind(),
            event.requestId(),
            n);
      }
    }
  }

  long dropped() {
    return dropped.get();
  }

  long listenerFailures() {
    return listenerFailures.get();
  }

  private void run() {
    try {
      while (!closing || !queue.isEmpty()) {
        RegistryEvent event = queue.poll(100, TimeUnit.MILLISECONDS);
        if (event != null) {
          deliver(event);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void deliver(RegistryEvent event) {
    for (RegistryEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError) {
          throw e;
        }
        long n = listenerFailures.incrementAndGet();
        log.warn(
            "event listener {} failed on a {} event (request {}; {} failures in all)",
            l,
            event.kind(),
            event.requestId(),
            n,
            e);
      }
    }
  }

  /**
   * Delivers what is queued within {@code timeout}, then stops; events published after this are
   * dropped.
   */
  void close(Duration timeout) {
    closing = true;
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      log.warn("registry events: {} undelivered at close", queue.size());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}

package io.wharf.oci.server;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the listeners on one thread, through a bounded queue: {@link #publish} never
 * blocks. Events beyond the queue's capacity are dropped, counted and logged (at most one warning
 * every {@link #WARN_INTERVAL}). Made only when there are listeners: without them, publishing costs
 * nothing.
 *
 * <p>A request only wakes the event thread when that thread has nothing to do and is parked; while
 * it delivers, requests just add to the queue. (A blocking queue signals its consumer on every
 * offer: one futex wake-up per request, which cost a manifest GET a fifth of its rate.)
 */
final class EventDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

  private final List<RegistryEventListener> listeners;
  private final Queue<RegistryEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final AtomicBoolean parked = new AtomicBoolean();
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicLong lastDropWarning = new AtomicLong(Long.MIN_VALUE);
  private volatile boolean closing;

  EventDispatcher(List<RegistryEventListener> listeners, int capacity) {
    this.listeners = List.copyOf(listeners);
    this.capacity = capacity;
    this.thread = new Thread(this::run, "wharf-registry-events");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code event}, or drops and counts it when the queue is full or closed. */
  void publish(RegistryEvent event) {
    if (closing || !offer(event)) {
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

  private boolean offer(RegistryEvent event) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    queue.add(event);
    if (parked.get() && parked.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
    }
    return true;
  }

  long dropped() {
    return dropped.get();
  }

  long listenerFailures() {
    return listenerFailures.get();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      RegistryEvent event = queue.poll();
      if (event != null) {
        size.decrementAndGet();
        deliver(event);
        continue;
      }
      if (closing) {
        return;
      }
      // Park, announcing it first, then look again: an event added before the announcement is
      // seen by that look; one added after it unparks this thread.
      parked.set(true);
      if (queue.isEmpty() && !closing) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
      }
      parked.set(false);
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
    LockSupport.unpark(thread);
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      log.warn("registry events: {} undelivered at close", size.get());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}

package io.wharf.oci.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
 * <p>A request wakes the event thread only when that thread has been idle (nothing delivered in its
 * last round) or when {@link #WAKE_BATCH} events wait; while events flow, the thread delivers what
 * arrived, then naps for {@link #BUSY_NAP} and looks again, and requests just add to the queue. So
 * a busy registry pays one wake-up per batch of events, not one per request: waking the thread for
 * every event (a futex call by the request, a context switch for the thread) cost a manifest GET
 * with an audit log half its rate on two cores. An event is delivered at most {@link #BUSY_NAP}
 * after it was published, unless the queue holds a batch already.
 */
final class EventDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

  /** How long the event thread naps between rounds while events flow: 5 ms. */
  static final Duration BUSY_NAP = Duration.ofMillis(5);

  /** How many waiting events wake a napping event thread at once: 256. */
  static final int WAKE_BATCH = 256;

  private static final int RUNNING = 0;
  private static final int NAPPING = 1;
  private static final int IDLE = 2;

  private final List<RegistryEventListener> listeners;
  private final List<Set<RegistryEvent.Kind>> kinds;
  private final Set<RegistryEvent.Kind> heard;
  private final Queue<RegistryEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final AtomicLong lastDropWarning = new AtomicLong(Long.MIN_VALUE);
  private volatile boolean closing;

  EventDispatcher(List<RegistryEventListener> listeners, int capacity) {
    this.listeners = List.copyOf(listeners);
    List<Set<RegistryEvent.Kind>> each = new ArrayList<>(listeners.size());
    Set<RegistryEvent.Kind> all = EnumSet.noneOf(RegistryEvent.Kind.class);
    for (RegistryEventListener l : this.listeners) {
      Set<RegistryEvent.Kind> k = EnumSet.noneOf(RegistryEvent.Kind.class);
      k.addAll(l.kinds());
      each.add(k);
      all.addAll(k);
    }
    this.kinds = List.copyOf(each);
    this.heard = all;
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
    int waiting = size.get();
    queue.add(event);
    int s = state.get();
    if ((s == IDLE || (s == NAPPING && waiting >= WAKE_BATCH)) && state.compareAndSet(s, RUNNING)) {
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
    boolean delivered = false;
    while (!Thread.currentThread().isInterrupted()) {
      RegistryEvent event = queue.poll();
      if (event != null) {
        size.decrementAndGet();
        deliver(event);
        delivered = true;
        continue;
      }
      if (closing) {
        return;
      }
      // Announce the nap (or the idleness) first, then look again: an event added before the
      // announcement is seen by that look; one added after it sees the announcement. While
      // events flow the thread only naps; idle, it sleeps until an event wakes it.
      state.set(delivered ? NAPPING : IDLE);
      if (queue.isEmpty() && !closing) {
        LockSupport.parkNanos(
            this, delivered ? BUSY_NAP.toNanos() : TimeUnit.MILLISECONDS.toNanos(100));
      }
      state.set(RUNNING);
      delivered = false;
    }
  }

  /** Whether some listener hears events of {@code kind}. */
  boolean hears(RegistryEvent.Kind kind) {
    return heard.contains(kind);
  }

  private void deliver(RegistryEvent event) {
    for (int i = 0; i < listeners.size(); i++) {
      if (!kinds.get(i).contains(event.kind())) {
        continue;
      }
      RegistryEventListener l = listeners.get(i);
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

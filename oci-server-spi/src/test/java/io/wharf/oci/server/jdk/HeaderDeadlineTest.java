package io.wharf.oci.server.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HeaderDeadline} on platform and (Java 21+) virtual threads, with a pipe standing in for
 * the connection: a {@code Pipe.SourceChannel} is an interruptible channel like the JDK server's
 * {@code SocketChannel}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeaderDeadlineTest {

  static final Duration TIMEOUT = Duration.ofMillis(200);

  final HeaderDeadline deadline = new HeaderDeadline(TIMEOUT);

  @AfterEach
  void close() {
    deadline.close();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void readOfHeadersThatNeverComeIsInterruptedAndTheFlagCleared(boolean virtual) throws Exception {
    Pipe pipe = Pipe.open();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    boolean interruptedAfter =
        onThread(
            virtual,
            () ->
                deadline.run(
                    () -> {
                      try {
                        pipe.source().read(ByteBuffer.allocate(16));
                      } catch (Throwable e) {
                        failure.set(e);
                      }
                    }));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(failure.get()).isInstanceOf(ClosedByInterruptException.class);
    assertThat(pipe.source().isOpen()).isFalse();
    assertThat(ms).isGreaterThanOrEqualTo(TIMEOUT.toMillis());
    // A pooled thread takes its next task without the interrupt.
    assertThat(interruptedAfter).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void threadThatReachedTheHandlerIsNeverInterrupted(boolean virtual) throws Exception {
    Pipe pipe = Pipe.open();
    ByteBuffer read = ByteBuffer.allocate(4);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                Thread.sleep(TIMEOUT.toMillis() * 5);
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    boolean interruptedAfter =
        onThread(
            virtual,
            () ->
                deadline.run(
                    () -> {
                      HeaderDeadline.handlerReached();
                      try {
                        // A slow body: blocked well past the header timeout.
                        while (read.hasRemaining()) {
                          pipe.source().read(read);
                        }
                      } catch (Throwable e) {
                        failure.set(e);
                      }
                    }));
    writer.get(10, TimeUnit.SECONDS);
    assertThat(failure.get()).isNull();
    assertThat(read.array()).containsExactly(1, 2, 3, 4);
    assertThat(pipe.source().isOpen()).isTrue();
    assertThat(interruptedAfter).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void deadlineStrikingAfterTheHeadersArrivedDoesNotBreakTheHandler(boolean virtual)
      throws Exception {
    Pipe pipe = Pipe.open();
    pipe.sink().write(ByteBuffer.wrap(new byte[] {7}));
    AtomicBoolean cutSeen = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ByteBuffer read = ByteBuffer.allocate(1);
    onThread(
        virtual,
        () ->
            deadline.run(
                () -> {
                  // The headers are parsed, but the thread is late to reach the handler: it sees
                  // the interrupt flag set by the deadline, without a channel read under way.
                  long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                  while (!Thread.currentThread().isInterrupted() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                  }
                  cutSeen.set(Thread.currentThread().isInterrupted());
                  HeaderDeadline.handlerReached();
                  try {
                    pipe.source().read(read);
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                }));
    assertThat(cutSeen).isTrue();
    assertThat(failure.get()).isNull();
    assertThat(read.array()).containsExactly(7);
    assertThat(pipe.source().isOpen()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void exchangeThatEndsBeforeTheDeadlineIsLeftAlone(boolean virtual) throws Exception {
    Pipe pipe = Pipe.open();
    ByteBuffer read = ByteBuffer.allocate(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    boolean interruptedAfter =
        onThread(
            virtual,
            () -> {
              // The JDK answers 400 or sees the client go away: the handler is never reached.
              deadline.run(() -> {});
              // The finished exchange's deadline must not strike the thread's later work.
              try {
                Thread.sleep(TIMEOUT.toMillis() * 3);
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                pipe.source().read(read);
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    assertThat(failure.get()).isNull();
    assertThat(read.array()).containsExactly(1);
    assertThat(interruptedAfter).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void afterCloseExchangesRunWithoutADeadline(boolean virtual) throws Exception {
    deadline.close();
    AtomicBoolean ran = new AtomicBoolean();
    onThread(virtual, () -> deadline.run(() -> ran.set(true)));
    assertThat(ran).isTrue();
  }

  @Test
  void handlerReachedOutsideAnExchangeDoesNothing() {
    HeaderDeadline.handlerReached();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  /**
   * Runs {@code task} on a new platform thread, or on a virtual thread (skipped before Java 21);
   * returns whether that thread's interrupt flag was set after {@code task}.
   */
  private static boolean onThread(boolean virtual, Runnable task) throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    Runnable body =
        () -> {
          task.run();
          interrupted.set(Thread.currentThread().isInterrupted());
        };
    if (virtual) {
      ExecutorService v =
          ServerExecutor.virtualThreads()
              .orElseGet(() -> Assumptions.abort("virtual threads need Java 21"));
      try {
        v.submit(body).get(30, TimeUnit.SECONDS);
      } finally {
        v.shutdownNow();
      }
    } else {
      Thread t = new Thread(body, "header-deadline-test");
      t.start();
      t.join(30_000);
      assertThat(t.isAlive()).isFalse();
    }
    return interrupted.get();
  }
}

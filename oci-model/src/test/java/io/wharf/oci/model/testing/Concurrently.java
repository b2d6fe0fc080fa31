package io.wharf.oci.model.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on their own threads, released together, and waits for all of them to finish: the work
 * bounds the test, not a wall-clock window (a slow backend on a loaded machine takes longer and
 * still passes; a hang is left to the test's {@code @Timeout}).
 */
public final class Concurrently {

  /** One task's steps; {@code step(i)} runs once each round, all tasks' round i together. */
  @FunctionalInterface
  public interface Rounds<T> {
    /** Round {@code round}'s step. */
    T step(int round) throws Exception;
  }

  private Concurrently() {}

  /**
   * Runs each of {@code tasks} for {@code rounds} rounds, every task's round {@code i} starting
   * together (a barrier between rounds, so that each round's steps really overlap); returns each
   * task's results in round order, or throws the first failure with the others suppressed.
   */
  public static <T> List<List<T>> run(List<Rounds<T>> tasks, int rounds) throws Exception {
    // A Phaser, not a CyclicBarrier: a task that fails terminates it for good, so that the others
    // stop waiting whether they are waiting already or arrive later (a barrier's reset only freed
    // those already waiting; one that arrived after it waited forever).
    Phaser together = new Phaser(tasks.size());
    List<Callable<List<T>>> calls = new ArrayList<>();
    for (Rounds<T> task : tasks) {
      calls.add(
          () -> {
            List<T> results = new ArrayList<>();
            try {
              for (int i = 0; i < rounds; i++) {
                if (together.arriveAndAwaitAdvance() < 0) {
                  throw new BrokenBarrierException();
                }
                results.add(task.step(i));
              }
            } catch (Exception | Error e) {
              together.forceTermination(); // the others stop waiting for this one
              throw e;
            }
            return results;
          });
    }
    return all(calls);
  }

  /** Runs every call on its own thread, all started together; their results, in order. */
  public static <T> List<T> all(List<? extends Callable<T>> calls) throws Exception {
    CyclicBarrier start = new CyclicBarrier(calls.size());
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    List<Future<T>> futures = new ArrayList<>();
    try {
      for (Callable<T> call : calls) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return call.call();
                }));
      }
      List<T> results = new ArrayList<>();
      List<Exception> failures = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          Exception cause = e.getCause() instanceof Exception x ? x : e;
          // A task that failed broke the barrier for the others: report it first.
          failures.add(cause instanceof BrokenBarrierException ? failures.size() : 0, cause);
        }
      }
      if (!failures.isEmpty()) {
        failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
        throw failures.get(0);
      }
      return results;
    } finally {
      pool.shutdownNow();
      if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new AssertionError("tasks did not stop after an interrupt");
      }
    }
  }
}

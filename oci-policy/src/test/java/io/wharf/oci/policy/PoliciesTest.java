package io.wharf.oci.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PoliciesTest {

  private static PolicySet set(long revision) throws PolicyException {
    return PolicySet.of(revision, List.of());
  }

  @Test
  void replacingPutsTheNewSetInForceAndCountsGenerations() throws Exception {
    Policies policies = Policies.empty();
    assertThat(policies.current()).isSameAs(PolicySet.empty());
    assertThat(policies.generation()).isZero();
    List<Long> seen = new ArrayList<>();
    policies.addListener(s -> seen.add(s.revision()));

    PolicySet one = set(1);
    assertThat(policies.replace(one)).isEqualTo(1);
    PolicySet two = set(2);
    assertThat(policies.replace(two)).isEqualTo(2);

    assertThat(policies.current()).isSameAs(two);
    assertThat(policies.generation()).isEqualTo(2);
    assertThat(seen).containsExactly(1L, 2L);
    assertThat(Policies.of(one).current()).isSameAs(one);
  }

  @Test
  void readersSeeWholeSetsAndGenerationsOnlyGrow() throws Exception {
    Policies policies = Policies.of(set(0));
    Set<PolicySet> published = ConcurrentHashMap.newKeySet();
    published.add(policies.current());
    AtomicBoolean done = new AtomicBoolean();
    AtomicBoolean wrong = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(2);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader =
          new Thread(
              () -> {
                started.countDown();
                long last = 0;
                while (!done.get()) {
                  long generation = policies.generation();
                  PolicySet current = policies.current();
                  if (generation < last || !published.contains(current)) {
                    wrong.set(true);
                  }
                  last = generation;
                }
              });
      reader.start();
      readers.add(reader);
    }
    started.await();
    for (int i = 1; i <= 2000; i++) {
      PolicySet next = set(i);
      published.add(next);
      policies.replace(next);
    }
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(wrong).isFalse();
    assertThat(policies.generation()).isEqualTo(2000);
    assertThat(policies.current().revision()).isEqualTo(2000);
  }
}

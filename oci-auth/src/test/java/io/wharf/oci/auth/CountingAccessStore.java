package io.wharf.oci.auth;

import io.wharf.oci.storage.access.AccessStore;
import io.wharf.oci.storage.memory.InMemoryAccessStore;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store that counts its reads and can be told to fail them: to show what the
 * authorizer reads per request, and what it does when the store is down. Writes go through.
 */
final class CountingAccessStore {

  final InMemoryAccessStore delegate = new InMemoryAccessStore();
  final AtomicInteger revisionReads = new AtomicInteger();
  final AtomicInteger recordReads = new AtomicInteger();
  volatile boolean down;

  /** The store to hand out: every read counted, and failing while {@link #down}. */
  final AccessStore store =
      (AccessStore)
          Proxy.newProxyInstance(
              AccessStore.class.getClassLoader(),
              new Class<?>[] {AccessStore.class},
              (proxy, method, args) -> {
                String name = method.getName();
                boolean write =
                    name.startsWith("put")
                        || name.startsWith("delete")
                        || name.startsWith("remove")
                        || name.startsWith("create")
                        || name.startsWith("update");
                if (!write) {
                  (name.equals("revision") ? revisionReads : recordReads).incrementAndGet();
                  if (down) {
                    throw new IOException("the test store is down");
                  }
                }
                try {
                  return method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
}

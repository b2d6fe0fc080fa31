package io.wharf.oci.server;

import io.wharf.oci.storage.BlobStore;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Stores that fail on purpose and say what was called: every call of a method named in {@link
 * #failing()} (on the blob store, its uploads or the metadata store) throws the {@link IOException}
 * a full disk or a lost database connection would, and every call is passed to {@link
 * #onCall(Consumer)}. A fake for the error-path and hook-order tests, in front of real stores.
 */
final class StorageProbe {

  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final RegistryStorage storage;
  private volatile Consumer<String> onCall = name -> {};

  StorageProbe(RegistryStorage delegate) {
    this.storage =
        new RegistryStorage(
            wrap(BlobStore.class, delegate.blobs()),
            wrap(MetadataStore.class, delegate.metadata()));
  }

  /** The method names that fail; change it at any time. */
  Set<String> failing() {
    return failing;
  }

  RegistryStorage storage() {
    return storage;
  }

  /** Tells {@code observer} the name of every method called from now on. */
  void onCall(Consumer<String> observer) {
    this.onCall = observer;
  }

  private <T> T wrap(Class<T> type, T target) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          onCall.accept(method.getName());
          if (failing.contains(method.getName())) {
            throw new IOException("No space left on device (" + method.getName() + ", on purpose)");
          }
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof BlobUpload upload) {
            return wrap(BlobUpload.class, upload);
          }
          if (result instanceof java.util.Optional<?> o
              && o.isPresent()
              && o.get() instanceof BlobUpload upload) {
            return java.util.Optional.of(wrap(BlobUpload.class, upload));
          }
          return result;
        };
    return type.cast(
        Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
  }
}

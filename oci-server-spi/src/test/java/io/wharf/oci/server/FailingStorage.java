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

/**
 * Stores that fail on purpose: every call of a method named in {@link #failing()} (on the blob
 * store, its uploads or the metadata store) throws the {@link IOException} a full disk or a lost
 * database connection would. A fake for the error-path tests, in front of real in-memory stores.
 */
final class FailingStorage {

  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final RegistryStorage storage;

  FailingStorage(RegistryStorage delegate) {
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

  private <T> T wrap(Class<T> type, T target) {
    InvocationHandler handler =
        (proxy, method, args) -> {
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

package io.wharf.oci.client.auth;

import io.wharf.oci.model.ref.RegistryHost;
import java.io.IOException;
import java.util.Map;

/**
 * Chooses the credential for a registry. Called when the client first needs to authenticate to a
 * host, and again after the registry refused the credential it got; implementations may cache, but
 * must be thread-safe.
 */
@FunctionalInterface
public interface CredentialProvider {

  /**
   * The credential for {@code registry}; {@link Credential#anonymous()} when there is none.
   *
   * @throws IOException when a store of credentials (a file, a helper program) could not be read
   */
  Credential credentialFor(RegistryHost registry) throws IOException;

  /** Anonymous everywhere. */
  static CredentialProvider anonymous() {
    return registry -> Credential.anonymous();
  }

  /** {@code credential} for every registry. */
  static CredentialProvider of(Credential credential) {
    return registry -> credential;
  }

  /** The credential of each listed registry; anonymous for the others. */
  static CredentialProvider of(Map<RegistryHost, Credential> credentials) {
    Map<RegistryHost, Credential> copy = Map.copyOf(credentials);
    return registry -> copy.getOrDefault(registry, Credential.anonymous());
  }

  /** This provider's credential, or {@code fallback}'s where this one has none. */
  default CredentialProvider orElse(CredentialProvider fallback) {
    return registry -> {
      Credential c = credentialFor(registry);
      return c instanceof Credential.Anonymous ? fallback.credentialFor(registry) : c;
    };
  }
}

package io.wharf.examples;

import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.server.PolicyGate;
import io.wharf.oci.server.Registry;
import io.wharf.oci.server.jdk.RegistryServer;
import io.wharf.oci.storage.RegistryStorage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A registry that is a gatekeeper: the policy document {@code policyFile} (see oci-policy's {@code
 * POLICY.md}) decides what may be pulled (vulnerability rules over the reports attached to images)
 * and which tags may not move. {@link #reload} reads the file again and puts it in force at once,
 * or leaves the policies as they are when the file has an error.
 */
public final class GatedRegistry implements AutoCloseable {

  private final Path policyFile;
  private final Policies policies;
  private final Registry registry;
  private final RegistryServer server;

  private GatedRegistry(
      Path policyFile, Policies policies, Registry registry, RegistryServer server) {
    this.policyFile = policyFile;
    this.policies = policies;
    this.registry = registry;
    this.server = server;
  }

  /**
   * Serves {@code storage} on {@code address}, gated by the policies of {@code policyFile}.
   *
   * @throws PolicyException when the document is not valid (every error with its line)
   * @throws IOException when the file cannot be read or the address bound
   */
  public static GatedRegistry start(
      RegistryStorage storage, Path policyFile, InetSocketAddress address)
      throws IOException, PolicyException {
    Policies policies = Policies.of(PolicySet.of(List.of(new PolicyLoader().load(policyFile))));
    Registry.Builder registry = Registry.builder(storage);
    PolicyGate.builder(policies).build().applyTo(registry);
    Registry built = registry.build();
    try {
      return new GatedRegistry(policyFile, policies, built, built.listen(address));
    } catch (IOException | RuntimeException e) {
      built.close();
      throw e;
    }
  }

  /**
   * Reads the policy file again and puts it in force (requests see the old policies or the new
   * ones, never a mix).
   *
   * @throws PolicyException when the file has an error: the policies in force stay
   */
  public void reload() throws IOException, PolicyException {
    policies.replace(PolicySet.of(List.of(new PolicyLoader().load(policyFile))));
  }

  /** The base URI, {@code http://host:port}. */
  public URI uri() {
    return server.uri();
  }

  /** Stops the server, then the registry. */
  @Override
  public void close() {
    server.close();
    registry.close();
  }
}

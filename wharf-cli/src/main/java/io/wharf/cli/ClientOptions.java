package io.wharf.cli;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.auth.Credential;
import io.wharf.oci.client.auth.CredentialProvider;
import io.wharf.oci.client.auth.DockerConfig;
import io.wharf.oci.model.ref.RegistryHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The registry options the client commands share: {@code --insecure}, {@code --authfile}. A
 * loopback registry always gets plain HTTP, as in docker; any other only with {@code --insecure}.
 */
final class ClientOptions {

  static final Cli.Option INSECURE =
      Cli.Option.flag(
          "Speak plain HTTP to the registries named (loopback ones always get it).", "--insecure");

  static final Cli.Option AUTHFILE =
      Cli.Option.value(
          "FILE",
          "Docker config file with credentials (default $DOCKER_CONFIG/config.json or"
              + " ~/.docker/config.json).",
          "--authfile");

  /** A client command's options: {@code own}, then these shared ones. */
  static List<Cli.Option> after(Cli.Option... own) {
    List<Cli.Option> all = new ArrayList<>(List.of(own));
    all.add(INSECURE);
    all.add(AUTHFILE);
    return all;
  }

  private final boolean insecure;
  private final @Nullable Path authfile;

  private ClientOptions(boolean insecure, @Nullable Path authfile) {
    this.insecure = insecure;
    this.authfile = authfile;
  }

  /** The options as given in {@code args}. */
  static ClientOptions from(Cli.Args args) throws Cli.UsageError {
    return new ClientOptions(args.flag(INSECURE), args.value(AUTHFILE, Path::of).orElse(null));
  }

  /** The docker config's credentials. */
  CredentialProvider configured() throws IOException {
    return authfile != null ? DockerConfig.load(authfile) : DockerConfig.load();
  }

  /**
   * A client for {@code host}: {@code creds} ({@code user:pass}) when given, else the docker
   * config's.
   */
  RegistryClient client(RegistryHost host, Optional<String> creds) throws IOException {
    CredentialProvider credentials =
        creds.isPresent() ? CredentialProvider.of(basic(creds.get())) : configured();
    RegistryClient.Builder b = RegistryClient.builder().credentials(credentials);
    b.userAgent("wharf/" + Wharf.version());
    if (insecure) {
      b.plainHttp(host);
    }
    return b.build();
  }

  static Credential basic(String userColonPassword) {
    int colon = userColonPassword.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("credentials must be USER:PASSWORD");
    }
    return Credential.basic(
        userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
  }
}

package io.wharf.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code wharf.yaml}'s {@code scanner}: a vulnerability scanner adapter that speaks Harbor's
 * Pluggable Scanner API (v1.1 or v1.2, for example Harbor's Trivy adapter), which scans every image
 * pushed and whose reports are stored as referrers of the images (what vulnerability rules read).
 *
 * <pre>
 * scanner:
 *   url: http://127.0.0.1:8081          # the adapter's base URL
 *   authorizationFile: scanner.auth     # optional: the Authorization value the adapter wants
 *                                       # ("Bearer …"), read from this file, never logged
 *   registryUrl: http://10.0.0.5:5000   # optional: this registry as the adapter reaches it
 *                                       # (default http://LISTEN, 127.0.0.1 for a wildcard)
 *   scanOnPush: true                    # default true; false scans only what a rule's
 *                                       # missingReport: scan asks for
 *   threads: 2                          # scans at once (default 2)
 * </pre>
 *
 * <p>With {@code auth} in token mode, the adapter pulls with a token the registry makes for it,
 * which grants pull of the one repository scanned for five minutes. Without {@code auth} it pulls
 * with a random secret of the process, which tells its pulls apart for the policy gate (the image
 * it scans has no report yet). In Basic mode it cannot pull private repositories.
 *
 * @param url the adapter's base URL
 * @param authorizationFile the file holding the Authorization value for the adapter
 * @param registryUrl this registry as the adapter reaches it
 * @param scanOnPush whether every pushed image is scanned
 * @param threads how many scans run at once
 */
record ScannerConfig(
    URI url,
    Optional<Path> authorizationFile,
    Optional<URI> registryUrl,
    boolean scanOnPush,
    int threads) {

  /** The keys of {@code scanner}. */
  static final Set<String> KEYS =
      Set.of("url", "authorizationFile", "registryUrl", "scanOnPush", "threads");

  ScannerConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(authorizationFile, "authorizationFile");
    Objects.requireNonNull(registryUrl, "registryUrl");
    if (threads < 1) {
      throw new IllegalArgumentException("threads is at least 1");
    }
  }

  /** Reads {@code scanner}. */
  static ScannerConfig parse(String source, Object value, Path base) throws ConfigException {
    ConfigNode node = ConfigNode.of(source, "scanner", value, base, KEYS);
    Set<String> web = Set.of("http", "https");
    URI url = node.uri("url", web).orElseThrow(() -> node.error("url", "is required"));
    return new ScannerConfig(
        url,
        node.file("authorizationFile"),
        node.uri("registryUrl", web),
        node.bool("scanOnPush").orElse(true),
        node.count("threads", 16).orElse(2));
  }
}

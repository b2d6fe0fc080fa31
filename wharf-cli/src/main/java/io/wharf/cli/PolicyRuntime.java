package io.wharf.cli;

import io.wharf.oci.policy.ContainersPolicyLoader;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicyDocument;
import io.wharf.oci.policy.PolicyError;
import io.wharf.oci.policy.PolicyException;
import io.wharf.oci.policy.PolicyLoader;
import io.wharf.oci.policy.PolicySet;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies {@code wharf serve} enforces: loaded from its {@link PolicyConfig} at start, and
 * loaded again on {@link #reload()} (SIGHUP) or, when the config says {@code watch}, when one of
 * the files changes (their sizes and modification times are looked at every two seconds). A reload
 * reads the config file again (its inline document and list of files may have changed), then every
 * document; only when all of them are valid is the new set put in force, at once ({@link
 * Policies#replace}); otherwise every error is logged and the set in force stays.
 */
final class PolicyRuntime implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(PolicyRuntime.class);

  /** How often watched files are looked at. */
  static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

  private final Policies policies;
  private final Object reloading = new Object();
  private PolicyConfig config;
  private List<String> fingerprint;
  private final ScheduledExecutorService watcher;

  private PolicyRuntime(PolicyConfig config, PolicySet initial, Duration interval) {
    this.config = config;
    this.policies = Policies.of(initial);
    this.fingerprint = fingerprint(config);
    if (config.watch()) {
      watcher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "wharf-policy-watch");
                t.setDaemon(true);
                return t;
              });
      long ms = interval.toMillis();
      watcher.scheduleWithFixedDelay(this::reloadIfChanged, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      watcher = null;
    }
  }

  /**
   * The policies of {@code config}, in force from now, watched for changes if it says so.
   *
   * @throws PolicyException with every error of every document when one is not valid
   * @throws ConfigException when a file cannot be read
   */
  static PolicyRuntime start(PolicyConfig config) throws PolicyException, ConfigException {
    return start(config, WATCH_INTERVAL);
  }

  /** As {@link #start(PolicyConfig)}, looking at the files every {@code interval}. */
  static PolicyRuntime start(PolicyConfig config, Duration interval)
      throws PolicyException, ConfigException {
    Objects.requireNonNull(config, "config");
    return new PolicyRuntime(config, load(config, config.read(), 1), interval);
  }

  /**
   * The set of {@code config}'s documents, read now, with revision {@code revision}.
   *
   * @throws PolicyException with every error of every document when one is not valid
   * @throws ConfigException when a file cannot be read
   */
  static PolicySet load(PolicyConfig config, long revision)
      throws PolicyException, ConfigException {
    return load(config, config.read(), revision);
  }

  private static PolicySet load(
      PolicyConfig config, List<PolicyConfig.PolicyText> texts, long revision)
      throws PolicyException {
    return load(texts, config.registryName().orElse(""), revision);
  }

  /**
   * The set of {@code texts}' documents, with revision {@code revision}; the files they name
   * resolve against each text's folder.
   *
   * @param registryName this registry's name, for a containers/image {@code policy.json}'s scopes
   * @throws PolicyException with every error of every document when one is not valid
   */
  static PolicySet load(List<PolicyConfig.PolicyText> texts, String registryName, long revision)
      throws PolicyException {
    PolicyLoader loader = new PolicyLoader();
    ContainersPolicyLoader containers = new ContainersPolicyLoader();
    List<PolicyDocument> documents = new ArrayList<>();
    List<PolicyError> errors = new ArrayList<>();
    for (PolicyConfig.PolicyText text : texts) {
      try {
        documents.add(
            text.containers()
                ? containers.load(text.source(), text.text(), registryName, text.base())
                : loader.load(text.source(), text.text(), text.base()));
      } catch (PolicyException e) {
        errors.addAll(e.errors());
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyException(errors);
    }
    return PolicySet.of(revision, documents);
  }

  /** {@code 2 rules (a, b)}, {@code 1 rule (a)} or {@code no rules}: for logs and messages. */
  static String describe(PolicySet set) {
    List<String> names = set.ruleNames();
    if (names.isEmpty()) {
      return "no rules";
    }
    return names.size()
        + (names.size() == 1 ? " rule (" : " rules (")
        + String.join(", ", names)
        + ")";
  }

  /** The policies in force. */
  Policies policies() {
    return policies;
  }

  /**
   * Loads the policies again and puts them in force when every document is valid.
   *
   * @return whether the new set is in force (false: the errors were logged, the old set stays)
   */
  boolean reload() {
    synchronized (reloading) {
      PolicyConfig next = config;
      try {
        if (config.configFile().isPresent()) {
          Path file = config.configFile().get();
          next = WharfConfig.read(file).policies().orElse(PolicyConfig.none()).from(file);
        }
        List<String> seen = fingerprint(next);
        PolicySet set = load(next, next.read(), policies.current().revision() + 1);
        policies.replace(set);
        config = next;
        fingerprint = seen;
        log.info("policies reloaded: {}", describe(set));
        return true;
      } catch (PolicyException e) {
        for (PolicyError error : e.errors()) {
          log.error("policy not reloaded: {}", error);
        }
      } catch (ConfigException e) {
        log.error("policies not reloaded: {}", e.getMessage());
      }
      fingerprint = fingerprint(next); // do not try the same broken files every two seconds
      return false;
    }
  }

  private void reloadIfChanged() {
    try {
      if (!fingerprint(config).equals(fingerprint)) {
        reload();
      }
    } catch (RuntimeException e) {
      log.error("policy files could not be checked for changes", e);
    }
  }

  /** The size and modification time of every file the policies come from. */
  private static List<String> fingerprint(PolicyConfig config) {
    List<Path> paths = new ArrayList<>(config.sourceFiles());
    config.configFile().ifPresent(paths::add);
    List<String> marks = new ArrayList<>();
    for (Path p : paths) {
      try {
        marks.add(p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
      } catch (NoSuchFileException e) {
        marks.add(p + " missing");
      } catch (IOException e) {
        marks.add(p + " unreadable");
      }
    }
    return marks;
  }

  /** Stops watching. */
  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }
}

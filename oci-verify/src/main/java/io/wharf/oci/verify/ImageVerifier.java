package io.wharf.oci.verify;

import io.wharf.oci.client.RegistryClient;
import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.error.InvalidContentException;
import io.wharf.oci.model.ref.Reference;
import io.wharf.oci.model.ref.ReferenceParser;
import io.wharf.oci.model.ref.RegistryHost;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Decision;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.sign.SignatureVerdicts;
import io.wharf.oci.policy.vuln.ReferrerReports;
import io.wharf.oci.policy.vuln.ReportSource;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Judges images on any registry by the policies a Wharf registry enforces at pull: the reference is
 * resolved to its digest, the manifest read, and the {@link PolicySet} in force judges the pull as
 * {@code wharf serve} would (vulnerability rules over the reports, signature rules over cosign's
 * {@code .sig} tag and the signature referrers; an index as its rules say: each child's reports,
 * its own or its children's signatures), reading the facts it needs through a fresh {@link
 * RemoteContext} per image. Signatures are verified on every call (no verdict outlives one).
 *
 * <pre>{@code
 * try (RegistryClient client = RegistryClient.builder().credentials(DockerConfig.load()).build()) {
 *   ImageVerifier verifier = ImageVerifier.builder(client).policies(policySet).build();
 *   Verdict verdict = verifier.verify("ghcr.io/org/app:1.0");
 *   if (!verdict.allowed()) {
 *     verdict.reasons().forEach(r -> System.err.println(r.rule() + ": " + r.message()));
 *   }
 * }
 * }</pre>
 *
 * <p>A reference with a digest is judged as a pull by digest (its tag, if it has one too, is not
 * trusted to name the image: a rule scoped to tags judges it by the tags pointing at the digest);
 * one with a tag only as a pull by that tag. Immutable and thread-safe; the client is the caller's
 * to close.
 */
public final class ImageVerifier {

  private final RegistryClient client;
  private final Policies policies;
  private final ReportSource reports;
  private final Clock clock;
  private final Map<RegistryHost, RegistryHost> addresses;
  private final RemoteContext.Limits limits;
  private final ReferenceParser parser;

  private ImageVerifier(Builder b) {
    this.client = b.client;
    this.policies = Objects.requireNonNull(b.policies, "policies");
    this.reports = b.reports;
    this.clock = b.clock;
    this.addresses = Map.copyOf(b.addresses);
    this.limits = b.limits;
    this.parser = b.parser;
  }

  /** A builder of a verifier that reads registries through {@code client}. */
  public static Builder builder(RegistryClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  /**
   * Judges the image at {@code reference}, read with the builder's reference parser (by default
   * Docker's rules: {@code nginx} is {@code docker.io/library/nginx:latest}).
   *
   * @throws IllegalArgumentException when {@code reference} is not a valid reference
   * @throws RegistryClientException when the registry refuses (404 MANIFEST_UNKNOWN when the image
   *     is not there, 401 when credentials are missing or refused)
   * @throws InvalidContentException when the registry sends a manifest that is not valid or not the
   *     digest asked for
   * @throws IOException when the registry cannot be reached or the facts cannot be read
   */
  public Verdict verify(String reference) throws IOException {
    Reference parsed;
    try {
      parsed = parser.parse(reference);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "invalid image reference '" + reference + "': " + e.getMessage(), e);
    }
    return verify(parsed);
  }

  /**
   * Judges the image at {@code reference}.
   *
   * @throws IllegalArgumentException when {@code reference} names neither a tag nor a digest
   * @throws RegistryClientException when the registry refuses (404 MANIFEST_UNKNOWN when the image
   *     is not there, 401 when credentials are missing or refused)
   * @throws InvalidContentException when the registry sends a manifest that is not valid or not the
   *     digest asked for
   * @throws IOException when the registry cannot be reached or the facts cannot be read
   */
  public Verdict verify(Reference reference) throws IOException {
    if (!reference.hasIdentifier()) {
      throw new IllegalArgumentException(reference + " names neither a tag nor a digest");
    }
    Repository remote = new Repository(addressOf(reference.registry()), reference.repository());
    Reference asked =
        reference.digest().isPresent()
            ? Reference.of(remote.registry(), remote.name(), reference.digest().get())
            : Reference.of(remote.registry(), remote.name(), reference.tag().orElseThrow());
    PolicySet set = policies.current();
    RawManifest manifest = client.getManifest(asked);
    Optional<Tag> tag = reference.digest().isPresent() ? Optional.empty() : reference.tag();
    RemoteContext facts = RemoteContext.of(client, remote, limits);
    // The registry's name, not the address it was read from: signatures and trust policies name
    // the registry as clients write it.
    Decision decision =
        set.pull(
            reference.registry().value(),
            reference.repository(),
            tag,
            manifest,
            facts,
            reports,
            SignatureVerdicts.none(),
            clock.instant());
    return new Verdict(reference, manifest.digest(), manifest.mediaType(), decision);
  }

  /** Where images of {@code registry} are read from: its address, or itself. */
  public RegistryHost addressOf(RegistryHost registry) {
    return addresses.getOrDefault(registry, registry);
  }

  /** Settings of an {@link ImageVerifier}; {@link #policies} is required. */
  public static final class Builder {
    private final RegistryClient client;
    private @Nullable Policies policies;
    private ReportSource reports = ReferrerReports.create();
    private Clock clock = Clock.systemUTC();
    private final Map<RegistryHost, RegistryHost> addresses = new HashMap<>();
    private RemoteContext.Limits limits = RemoteContext.Limits.DEFAULT;
    private ReferenceParser parser = ReferenceParser.docker();

    private Builder(RegistryClient client) {
      this.client = client;
    }

    /** Judges by {@code set}. */
    public Builder policies(PolicySet set) {
      this.policies = Policies.of(Objects.requireNonNull(set, "set"));
      return this;
    }

    /** Judges by the set in force in {@code policies} at each verification (it may be replaced). */
    public Builder policies(Policies policies) {
      this.policies = Objects.requireNonNull(policies, "policies");
      return this;
    }

    /** Where vulnerability reports are found; {@link ReferrerReports#create()} by default. */
    public Builder reports(ReportSource reports) {
      this.reports = Objects.requireNonNull(reports, "reports");
      return this;
    }

    /** The clock that dates a verification (expiry, report age); the system's UTC by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Reads images of {@code registry} from {@code address} instead (a mirror, a test registry):
     * the verdict still names {@code registry}, and so do the policies.
     */
    public Builder address(RegistryHost registry, RegistryHost address) {
      addresses.put(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(address));
      return this;
    }

    /** Bounds on what one verification reads; {@link RemoteContext.Limits#DEFAULT} by default. */
    public Builder limits(RemoteContext.Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * How {@link #verify(String)} reads references; {@link ReferenceParser#docker()} by default.
     */
    public Builder referenceParser(ReferenceParser parser) {
      this.parser = Objects.requireNonNull(parser, "parser");
      return this;
    }

    /**
     * The verifier.
     *
     * @throws IllegalStateException when no policies were given
     */
    public ImageVerifier build() {
      if (policies == null) {
        throw new IllegalStateException("an ImageVerifier needs policies");
      }
      return new ImageVerifier(this);
    }
  }
}

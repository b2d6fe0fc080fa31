package io.wharf.oci.server;

import io.wharf.oci.model.Descriptor;
import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.Policies;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.vuln.ReferrerReports;
import io.wharf.oci.policy.vuln.ReportSource;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The policy engine ({@code io.wharf.oci.policy}) as the registry's admission gate: a pull is
 * judged by the vulnerability and signature rules of the {@link PolicySet} in force, a push and a
 * delete by its immutability rules. The set is read once per request from {@link Policies}, so a
 * request sees the old set or the new one, never a mix, when it is replaced.
 *
 * <p>Vulnerability reports are read through a {@link CachedReports} in front of {@code reports} (by
 * default {@link ReferrerReports}: the newest report among the image's referrers): a report is read
 * and parsed once per manifest, and forgotten when a referrer of the manifest is pushed (at once,
 * when the gate admits it, and again when its event arrives, after it is stored) or deleted.
 *
 * <p>Signature verdicts are kept in a {@link CachedVerdicts} per repository, manifest, policy
 * revision and rule: a signature is verified once, and a manifest's verdicts are forgotten when a
 * referrer of it is pushed or deleted, or a cosign tag naming it ({@code sha256-<hex>.sig}, {@code
 * .att}, {@code .sbom}) is pushed, moved or deleted (at admission and again at the event). A new
 * policy set in force forgets every verdict. Signatures are checked against the registry's name
 * ({@link Builder#registryName}), as clients write it in references.
 *
 * <p>Assemble it with {@link #applyTo}, which adds it as a gate and as a listener, and sets the
 * policies' quotas ({@link #quotas()}).
 *
 * <pre>{@code
 * Policies policies = Policies.of(PolicySet.of(List.of(new PolicyLoader().load(file))));
 * Registry.Builder registry = Registry.builder(storage);
 * PolicyGate.builder(policies).build().applyTo(registry);
 * }</pre>
 */
public final class PolicyGate implements AdmissionGate, RegistryEventListener {

  /** Asks for a vulnerability scan of a manifest (for example {@code ScanOnPush#request}). */
  @FunctionalInterface
  public interface ScanRequester {
    /** Requests a scan of manifest {@code manifest} of {@code repository}; never blocks long. */
    void request(RepositoryName repository, Digest manifest);
  }

  /** The default number of manifests whose reports are remembered. */
  public static final int DEFAULT_CACHE_ENTRIES = 4096;

  private final Policies policies;
  private final CachedReports reports;
  private final CachedVerdicts verdicts;
  private final String registryName;
  private volatile long verdictsRevision;
  private final Optional<ScanRequester> scans;
  private final Predicate<Identity> exempt;
  private final Clock clock;

  private PolicyGate(Builder b) {
    this.policies = b.policies;
    this.reports = new CachedReports(b.reports, b.cacheEntries);
    this.verdicts = new CachedVerdicts(b.cacheEntries, b.verdictMaxAge, b.clock);
    this.verdictsRevision = b.policies.current().revision();
    this.registryName = b.registryName;
    this.scans = b.scans;
    this.exempt = b.exempt;
    this.clock = b.clock;
  }

  /** A gate for the policies in force in {@code policies}. */
  public static Builder builder(Policies policies) {
    return new Builder(policies);
  }

  /**
   * Adds this gate to {@code registry} as a gate and as a listener (for its cache), and the quotas
   * of its policies ({@link #quotas()}; this replaces quotas set on the builder before).
   */
  public Registry.Builder applyTo(Registry.Builder registry) {
    return registry.addGate(this).addListener(this).quotas(quotas());
  }

  /**
   * The quotas of the policies in force ({@code projects.<name>.quota}), read on every push from
   * the set in force then, so a reload changes them at once. Quotas are not a gate: the engine
   * holds a project's lock around the check and the store ({@link Quotas}).
   */
  public Quotas quotas() {
    return project ->
        policies.current().quota(project).map(limit -> new Quota(limit.bytes(), limit.artifacts()));
  }

  @Override
  public Decision admit(Admission admission) throws IOException {
    PolicySet set = policies.current();
    RepositoryName repository = admission.repository();
    io.wharf.oci.policy.Decision decision;
    switch (admission.action()) {
      case PULL -> {
        if (exempt.test(admission.request().identity())) {
          return Decision.allow();
        }
        Optional<Tag> tag = only(admission.tags());
        if (set.revision() != verdictsRevision) {
          verdictsRevision = set.revision();
          verdicts.clear(); // verdicts of an older set are never asked for again
        }
        decision =
            set.pull(
                registryName,
                repository,
                tag,
                admission.manifest(),
                admission.content(),
                reports,
                verdicts,
                clock.instant());
        if (decision.scanRequested() && scans.isPresent()) {
          scans.get().request(repository, admission.manifest().digest());
        }
      }
      case PUSH -> {
        Optional<Descriptor> subject = admission.manifest().parse().subject();
        if (subject.isPresent()) {
          reports.invalidate(repository, subject.get().digest());
          verdicts.invalidate(repository, subject.get().digest());
        }
        forgetSignedBy(repository, admission.tags());
        decision =
            set.push(repository, admission.tags(), admission.manifest(), admission.content());
      }
      case DELETE -> {
        subjectOf(admission.manifest())
            .ifPresent(subject -> verdicts.invalidate(repository, subject));
        forgetSignedBy(repository, admission.tags());
        decision =
            set.delete(
                repository, admission.tags(), admission.manifest().digest(), admission.content());
      }
      default -> throw new IllegalStateException("no admission for " + admission.action());
    }
    return decision.allowed() ? Decision.allow() : Decision.deny(decision.messages());
  }

  /** Forgets the verdicts on the manifests cosign tags name ({@code sha256-<hex>.sig}). */
  private void forgetSignedBy(RepositoryName repository, Set<Tag> tags) {
    for (Tag tag : tags) {
      verdicts.invalidate(repository, tag);
    }
  }

  /** The subject of a manifest about to be deleted; none when it has none or does not parse. */
  private static Optional<Digest> subjectOf(RawManifest manifest) {
    try {
      return manifest.parse().subject().map(Descriptor::digest);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Forgets the cached report and verdicts of a referrer's subject when the referrer is stored or
   * deleted, and the verdicts on the manifest a cosign tag names when the tag is pushed, moved or
   * deleted.
   */
  @Override
  public void onEvent(RegistryEvent event) {
    reports.onEvent(event);
    verdicts.onEvent(event);
  }

  /** What its caches hear: pushes and deletes of manifests, moves and deletes of tags; no pulls. */
  @Override
  public Set<RegistryEvent.Kind> kinds() {
    Set<RegistryEvent.Kind> kinds = EnumSet.copyOf(reports.kinds());
    kinds.addAll(verdicts.kinds());
    return kinds;
  }

  /** How many manifests' reports the gate remembers now. */
  public int cachedReports() {
    return reports.size();
  }

  /** How many signature verdicts the gate remembers now (counted: for tests and metrics). */
  public int cachedVerdicts() {
    return verdicts.size();
  }

  private static Optional<Tag> only(Set<Tag> tags) {
    return tags.size() == 1 ? Optional.of(tags.iterator().next()) : Optional.empty();
  }

  /** Assembles a {@link PolicyGate}. */
  public static final class Builder {
    private final Policies policies;
    private ReportSource reports = ReferrerReports.create();
    private int cacheEntries = DEFAULT_CACHE_ENTRIES;
    private String registryName = "";
    private Optional<ScanRequester> scans = Optional.empty();
    private Predicate<Identity> exempt = identity -> false;
    private Clock clock = Clock.systemUTC();
    private java.time.Duration verdictMaxAge = CachedVerdicts.DEFAULT_MAX_AGE;

    private Builder(Policies policies) {
      this.policies = Objects.requireNonNull(policies, "policies");
    }

    /** Where reports are found (default: {@link ReferrerReports#create()}). */
    public Builder reports(ReportSource reports) {
      this.reports = Objects.requireNonNull(reports, "reports");
      return this;
    }

    /**
     * How many manifests' reports, and how many manifests' signature verdicts, are remembered
     * (default {@value PolicyGate#DEFAULT_CACHE_ENTRIES}).
     */
    public Builder cacheEntries(int entries) {
      if (entries < 1) {
        throw new IllegalArgumentException("the cache holds at least one entry");
      }
      this.cacheEntries = entries;
      return this;
    }

    /**
     * The registry's name as clients write it in references ({@code registry.example.com}, {@code
     * 127.0.0.1:5000}), which signatures name (cosign's {@code docker-reference}, Notation's
     * registry scopes). Default: empty, unknown.
     */
    public Builder registryName(String registryName) {
      this.registryName = Objects.requireNonNull(registryName, "registryName");
      return this;
    }

    /** Who is asked for a scan when a policy lets an image without a report through. */
    public Builder scans(ScanRequester scans) {
      this.scans = Optional.of(scans);
      return this;
    }

    /**
     * Who pulls without being judged: a scanner adapter pulling the image it scans, which has no
     * report yet (as Harbor exempts its scanner). Default: nobody. Make the predicate impossible to
     * satisfy by a caller's own claims (a service identity only the registry's tokens carry).
     */
    public Builder exempt(Predicate<Identity> exempt) {
      this.exempt = Objects.requireNonNull(exempt, "exempt");
      return this;
    }

    /**
     * How long a signature verdict is kept at most (default {@link
     * CachedVerdicts#DEFAULT_MAX_AGE}): a signature or certificate that expires after it was judged
     * is refused within this time.
     */
    public Builder verdictMaxAge(java.time.Duration maxAge) {
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("a verdict is kept for a positive time");
      }
      this.verdictMaxAge = maxAge;
      return this;
    }

    /**
     * The clock that report ages, allowlist and signature expiries and verdict ages are judged by
     * (default: the system's).
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The gate. */
    public PolicyGate build() {
      return new PolicyGate(this);
    }
  }
}

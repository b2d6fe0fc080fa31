package io.wharf.oci.policy;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.RawManifest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.PolicyDocument.Position;
import io.wharf.oci.policy.retention.ImmutableTags;
import io.wharf.oci.policy.retention.RetentionCandidate;
import io.wharf.oci.policy.retention.RetentionPlan;
import io.wharf.oci.policy.retention.RetentionPolicy;
import io.wharf.oci.policy.sign.SignatureVerdicts;
import io.wharf.oci.policy.vuln.ReportSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The policies in force: one or more {@link PolicyDocument}s combined (rules in document order,
 * names unique across documents; system allowlists joined; each project configured in one document
 * at most), and the decisions they make. Immutable and thread-safe; decisions read facts through a
 * {@link PolicyContext} and never change anything.
 *
 * <p>Scoping: a rule applies to a repository when its {@link RuleMatch} project and repository
 * patterns match. With tag patterns, a push or delete is judged tag by tag, and a pull by tag by
 * that tag; a pull by digest is judged by the tags pointing at the digest ({@link
 * PolicyContext#tagsOf}): the rule applies when one of them matches, and also when none points at
 * the digest at all (an untagged manifest, such as an index's child: the safe choice for a rule
 * that denies).
 *
 * <p>Retention ({@link #retain}) judges a project's artifacts by the project's retention rules, as
 * Harbor does ({@link io.wharf.oci.policy.retention}), never removing a tag an immutable rule
 * matches.
 *
 * <p>Decisions are made for every request, so when no rule matches they allocate nothing and read
 * no facts.
 */
public final class PolicySet {

  private static final PolicySet EMPTY = new PolicySet(0, List.of(), List.of(), Map.of());

  private final long revision;
  private final List<PolicyDocument> documents;
  private final List<String> ruleNames;
  private final Rule[] gates;
  private final Rule[] immutables;
  private final Map<String, ProjectSettings> projects;
  private final Allowlists allowlists;

  private PolicySet(
      long revision,
      List<PolicyDocument> documents,
      List<Rule> rules,
      Map<String, ProjectSettings> projects) {
    this.revision = revision;
    this.documents = List.copyOf(documents);
    this.ruleNames = rules.stream().map(Rule::name).toList();
    this.gates = rules.stream().filter(Rule::judgesPulls).toArray(Rule[]::new);
    this.immutables = rules.stream().filter(Rule::immutable).toArray(Rule[]::new);
    this.projects = Map.copyOf(projects);
    List<AllowlistEntry> system = new ArrayList<>();
    for (PolicyDocument document : documents) {
      system.addAll(document.allowlist());
    }
    this.allowlists = new Allowlists(system, this.projects, rules);
  }

  /** No policies: everything is allowed; revision 0. */
  public static PolicySet empty() {
    return EMPTY;
  }

  /**
   * The documents combined, with a revision computed from their content (equal contents, equal
   * revisions: a cache key).
   *
   * @throws PolicyException when two documents define a rule of the same name or configure the same
   *     project (every conflict is listed)
   */
  public static PolicySet of(List<PolicyDocument> documents) throws PolicyException {
    return of(contentHash(documents), documents);
  }

  /**
   * The documents combined, with {@code revision} (a counter, say).
   *
   * @throws PolicyException when two documents define a rule of the same name or configure the same
   *     project (every conflict is listed)
   */
  public static PolicySet of(long revision, List<PolicyDocument> documents) throws PolicyException {
    List<PolicyError> errors = new ArrayList<>();
    Map<String, PolicyDocument> ruleOwners = new HashMap<>();
    Map<String, PolicyDocument> projectOwners = new HashMap<>();
    List<Rule> rules = new ArrayList<>();
    Map<String, ProjectSettings> projects = new HashMap<>();
    for (PolicyDocument document : documents) {
      List<Rule> own = document.rules();
      for (int i = 0; i < own.size(); i++) {
        String name = own.get(i).name();
        PolicyDocument first = ruleOwners.putIfAbsent(name, document);
        if (first == null) {
          rules.add(own.get(i));
        } else {
          errors.add(
              conflict(
                  document,
                  "rules." + name,
                  "rules[" + i + "].name",
                  "rule name '" + name + "' is already used in " + where(first, "rules." + name)));
        }
      }
      for (Map.Entry<String, ProjectSettings> project : document.projects().entrySet()) {
        String key = "projects." + project.getKey();
        PolicyDocument first = projectOwners.putIfAbsent(project.getKey(), document);
        if (first == null) {
          projects.put(project.getKey(), project.getValue());
        } else {
          errors.add(
              conflict(
                  document,
                  key,
                  key,
                  "project "
                      + project.getKey()
                      + " is already configured in "
                      + where(first, key)));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyException(errors);
    }
    return new PolicySet(revision, documents, rules, projects);
  }

  private static PolicyError conflict(
      PolicyDocument document, String key, String path, String message) {
    Position at = document.position(key);
    return new PolicyError(document.source(), at.line(), at.column(), path, message);
  }

  private static String where(PolicyDocument document, String key) {
    Position at = document.position(key);
    return at.line() > 0 ? document.source() + ":" + at.line() : document.source();
  }

  private static long contentHash(List<PolicyDocument> documents) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha256.digest(documents.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(hash).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The revision: a content hash or what the caller gave. */
  public long revision() {
    return revision;
  }

  /** The documents, in order. */
  public List<PolicyDocument> documents() {
    return documents;
  }

  /** The names of the rules in force, in order. */
  public List<String> ruleNames() {
    return ruleNames;
  }

  /** The quota of {@code project}, when its settings have one. */
  public Optional<QuotaLimit> quota(String project) {
    ProjectSettings settings = projects.get(project);
    return settings == null ? Optional.empty() : settings.quota();
  }

  /** The retention policy of {@code project}, when its settings have one. */
  public Optional<RetentionPolicy> retention(String project) {
    ProjectSettings settings = projects.get(project);
    return settings == null ? Optional.empty() : settings.retention();
  }

  /** The projects that have retention rules, sorted: those a retention run visits. */
  public SortedSet<String> retentionProjects() {
    SortedSet<String> names = new TreeSet<>();
    projects.forEach(
        (name, settings) -> {
          if (settings.retention().isPresent()) {
            names.add(name);
          }
        });
    return Collections.unmodifiableSortedSet(names);
  }

  /**
   * What retention does with the top-level artifacts of {@code project} at {@code now}: each is
   * retained or deleted, with reasons ({@link RetentionPolicy#plan}). Tags an immutable rule of
   * this set matches are never removed: an artifact carrying one is retained, naming the rule. A
   * project without retention rules keeps everything.
   *
   * @param project the project (a repository name's first component)
   * @param candidates its top-level artifacts: referrers and the children of an index follow their
   *     subject or index and are not candidates; each repository and digest once
   * @param now the instant "within N days" counts back from
   * @throws IllegalArgumentException when a candidate is outside the project or given twice
   */
  public RetentionPlan retain(
      String project, Collection<RetentionCandidate> candidates, Instant now) {
    Optional<RetentionPolicy> policy = retention(project);
    if (policy.isEmpty()) {
      return RetentionPlan.retainAll(project, candidates, now);
    }
    ImmutableTags immutable =
        (repository, tag) ->
            Optional.ofNullable(
                    immutableRule(RuleMatch.projectOf(repository), repository.value(), tag))
                .map(Rule::name);
    return policy.get().plan(project, candidates, now, immutable);
  }

  /** Whether a rule makes {@code tag} of {@code repository} immutable. */
  public boolean immutable(RepositoryName repository, Tag tag) {
    return immutableRule(RuleMatch.projectOf(repository), repository.value(), tag) != null;
  }

  private Rule immutableRule(String project, String repository, Tag tag) {
    for (Rule rule : immutables) {
      if (rule.match().matchesRepository(project, repository) && rule.match().matchesTag(tag)) {
        return rule;
      }
    }
    return null;
  }

  /**
   * May {@code manifest} be pulled from {@code repository}: {@link #pull(String, RepositoryName,
   * Optional, RawManifest, PolicyContext, ReportSource, SignatureVerdicts, Instant)} for a registry
   * whose name is unknown ({@code ""}), verifying signatures on every call.
   *
   * @throws IOException when facts or reports cannot be read
   */
  public Decision pull(
      RepositoryName repository,
      Optional<Tag> tag,
      RawManifest manifest,
      PolicyContext facts,
      ReportSource reports,
      Instant now)
      throws IOException {
    return pull("", repository, tag, manifest, facts, reports, SignatureVerdicts.none(), now);
  }

  /**
   * May {@code manifest} be pulled from {@code repository}: every rule that applies (all must
   * allow) judges it.
   *
   * <p>A vulnerability rule judges the newest report of the image (an index: each of its children's
   * reports, named by platform). For each rule, the findings at or above its severity (only fixable
   * ones if it says so), minus the allowlisted ones (the rule's, the project's, the system's; an
   * expired entry no longer counts), each deny with one reason; at most 10 per rule and image are
   * listed, then how many more. An image without a report, or with one older than the rule's {@code
   * maxReportAge}, is denied, allowed, or allowed with a scan requested, as the rule says.
   *
   * <p>A signature rule allows when one of its verifiers finds one valid signature over the
   * manifest (an index under {@link IndexSignatures#CHILDREN}: over each child, reasons naming the
   * child's platform), among the manifest cosign's {@code sha256-<hex>.sig} tag points at and its
   * referrers of a signature artifact type ({@link io.wharf.oci.policy.sign.Signatures#find}).
   * Otherwise it denies with {@code no signature by key cosign.pub or …} when none is found, or one
   * reason per failed signature ({@code signature sha256:… (cosign, by key cosign.pub): signature
   * does not match the manifest digest}, at most 10, then how many more). Verdicts go through
   * {@code verdicts}, keyed by repository, manifest, this set's {@link #revision()} and rule.
   *
   * @param registry the registry's name as clients write it ({@code registry.example.com}), which
   *     signatures may name; empty when unknown
   * @param repository the repository
   * @param tag the tag pulled, empty for a pull by digest
   * @param manifest the manifest to be served
   * @param facts the repository's content
   * @param reports where reports are found
   * @param verdicts where signature verdicts are kept ({@link SignatureVerdicts#none()}: nowhere)
   * @param now the time to judge expiry and report age by
   * @throws IOException when facts or reports cannot be read
   */
  public Decision pull(
      String registry,
      RepositoryName repository,
      Optional<Tag> tag,
      RawManifest manifest,
      PolicyContext facts,
      ReportSource reports,
      SignatureVerdicts verdicts,
      Instant now)
      throws IOException {
    if (gates.length == 0) {
      return Decision.allow();
    }
    String project = RuleMatch.projectOf(repository);
    List<Rule> applicable = null;
    List<Tag> tagsOfDigest = null;
    for (Rule gate : gates) {
      RuleMatch match = gate.match();
      if (!match.matchesRepository(project, repository.value())) {
        continue;
      }
      if (match.hasTagPatterns()) {
        if (tag.isPresent()) {
          if (!match.matchesTag(tag.get())) {
            continue;
          }
        } else {
          if (tagsOfDigest == null) {
            tagsOfDigest = facts.tagsOf(manifest.digest());
          }
          if (!tagsOfDigest.isEmpty() && tagsOfDigest.stream().noneMatch(match::matchesTag)) {
            continue;
          }
        }
      }
      if (applicable == null) {
        applicable = new ArrayList<>(2);
      }
      applicable.add(gate);
    }
    if (applicable == null) {
      return Decision.allow();
    }
    List<Rule> vulnerabilityRules = new ArrayList<>(applicable.size());
    List<Rule> signatureRules = new ArrayList<>(applicable.size());
    for (Rule rule : applicable) {
      if (rule.vulnerabilities().isPresent()) {
        vulnerabilityRules.add(rule);
      }
      if (rule.signatures().isPresent()) {
        signatureRules.add(rule);
      }
    }
    Decision decision =
        vulnerabilityRules.isEmpty()
            ? Decision.allow()
            : new PullJudge(vulnerabilityRules, allowlists.forProject(project), facts, reports, now)
                .judge(manifest);
    if (!signatureRules.isEmpty()) {
      decision =
          decision.and(
              new SignatureJudge(registry, repository, tag, facts, verdicts, revision, now)
                  .judge(signatureRules, manifest));
    }
    return decision;
  }

  /**
   * May {@code manifest} be pushed with {@code tags}: a tag that an immutable rule matches, that
   * exists and points at another manifest, is denied ({@code tag v1 is immutable (rule
   * release-tags); push a new tag}). A new tag, or the same manifest again, is fine.
   *
   * @throws IOException when the tags cannot be resolved
   */
  public Decision push(
      RepositoryName repository, Set<Tag> tags, RawManifest manifest, PolicyContext facts)
      throws IOException {
    if (immutables.length == 0 || tags.isEmpty()) {
      return Decision.allow();
    }
    String project = RuleMatch.projectOf(repository);
    List<Reason> reasons = new ArrayList<>();
    for (Tag tag : new TreeSet<>(tags)) {
      Rule rule = immutableRule(project, repository.value(), tag);
      if (rule == null) {
        continue;
      }
      Optional<Digest> current = facts.resolve(tag);
      if (current.isPresent() && !current.get().equals(manifest.digest())) {
        reasons.add(
            new Reason(
                rule.name(),
                "tag " + tag + " is immutable (rule " + rule.name() + "); push a new tag"));
      }
    }
    return reasons.isEmpty() ? Decision.allow() : Decision.deny(reasons);
  }

  /**
   * May {@code tags} (a tag delete), or else manifest {@code manifest} with the tags pointing at it
   * (a delete by digest), be deleted: each tag an immutable rule matches is denied, naming the
   * rule.
   *
   * @param tags the tags deleted, or empty for a delete by digest (then the tags pointing at the
   *     manifest are judged)
   * @throws IOException when the tags cannot be read
   */
  public Decision delete(
      RepositoryName repository, Set<Tag> tags, Digest manifest, PolicyContext facts)
      throws IOException {
    if (immutables.length == 0) {
      return Decision.allow();
    }
    String project = RuleMatch.projectOf(repository);
    Collection<Tag> judged = tags.isEmpty() ? facts.tagsOf(manifest) : new TreeSet<>(tags);
    List<Reason> reasons = new ArrayList<>();
    for (Tag tag : judged) {
      Rule rule = immutableRule(project, repository.value(), tag);
      if (rule == null) {
        continue;
      }
      String subject =
          tags.isEmpty()
              ? "manifest " + manifest + " is tagged " + tag + ", which is immutable"
              : "tag " + tag + " is immutable";
      reasons.add(
          new Reason(rule.name(), subject + " (rule " + rule.name() + "); it cannot be deleted"));
    }
    return reasons.isEmpty() ? Decision.allow() : Decision.deny(reasons);
  }

  @Override
  public String toString() {
    return "PolicySet[revision=" + revision + ", rules=" + ruleNames + "]";
  }

  /** The allowlists by vulnerability id (upper case): system-wide, per project, per rule. */
  static final class Allowlists {
    private final Map<String, List<AllowlistEntry>> system;
    private final Map<String, Map<String, List<AllowlistEntry>>> projects = new HashMap<>();
    private final Map<String, Map<String, List<AllowlistEntry>>> rules = new HashMap<>();

    Allowlists(
        List<AllowlistEntry> system, Map<String, ProjectSettings> projects, List<Rule> rules) {
      this.system = index(system);
      projects.forEach((name, settings) -> this.projects.put(name, index(settings.allowlist())));
      for (Rule rule : rules) {
        rule.vulnerabilities().ifPresent(v -> this.rules.put(rule.name(), index(v.allowlist())));
      }
    }

    private static Map<String, List<AllowlistEntry>> index(List<AllowlistEntry> entries) {
      Map<String, List<AllowlistEntry>> byId = new HashMap<>();
      for (AllowlistEntry entry : entries) {
        byId.computeIfAbsent(entry.key(), k -> new ArrayList<>(1)).add(entry);
      }
      return byId;
    }

    /** The lookup for one project. */
    Lookup forProject(String project) {
      return new Lookup(system, projects.getOrDefault(project, Map.of()), rules);
    }

    /** The entries that apply to a finding of one rule in one project. */
    record Lookup(
        Map<String, List<AllowlistEntry>> system,
        Map<String, List<AllowlistEntry>> project,
        Map<String, Map<String, List<AllowlistEntry>>> rules) {

      /** Every entry for {@code id} under {@code rule}: the rule's, the project's, the system's. */
      List<AllowlistEntry> entries(String rule, String id) {
        String key = id.toUpperCase(java.util.Locale.ROOT);
        List<AllowlistEntry> all = new ArrayList<>(0);
        all.addAll(rules.getOrDefault(rule, Map.of()).getOrDefault(key, List.of()));
        all.addAll(project.getOrDefault(key, List.of()));
        all.addAll(system.getOrDefault(key, List.of()));
        return all;
      }
    }
  }
}

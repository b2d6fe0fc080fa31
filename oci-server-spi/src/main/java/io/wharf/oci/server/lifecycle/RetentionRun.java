package io.wharf.oci.server.lifecycle;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import io.wharf.oci.policy.PolicySet;
import io.wharf.oci.policy.retention.RetentionCandidate;
import io.wharf.oci.policy.retention.RetentionDecision;
import io.wharf.oci.policy.retention.RetentionPlan;
import io.wharf.oci.storage.ContentReference;
import io.wharf.oci.storage.LifecycleStore;
import io.wharf.oci.storage.ManifestNode;
import io.wharf.oci.storage.MetadataStore;
import io.wharf.oci.storage.Page;
import io.wharf.oci.storage.PageRequest;
import io.wharf.oci.storage.RepositoryContent;
import io.wharf.oci.storage.TagRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * Executes retention: for every project with retention rules in the {@link PolicySet} in force, its
 * top-level artifacts are judged ({@link PolicySet#retain}) and those no rule retains are deleted,
 * with the referrers (signatures, SBOMs, scan reports) of each and the children of an index that
 * nothing else lists. A dry run reports the same without deleting.
 *
 * <p>The top-level artifacts of a repository are its manifests that are not referrers and are
 * either tagged or listed by no other manifest: a referrer follows its subject and an untagged
 * child its index, as in Harbor.
 *
 * <p>What a kept artifact needs is never deleted. An artifact an index that stays lists is kept,
 * whatever the rules say (the reason names the index). Deletes go through the {@link
 * LifecycleStore}'s conditional deletes: a tag is removed only while it still points at the
 * artifact, and a manifest only while it is untagged, listed by no stored manifest, its subject
 * gone, and pushed before the run started; so a push, tag or index that arrives during the run
 * keeps what it needs. Blobs are left to garbage collection.
 */
public final class RetentionRun {

  private static final int REPOSITORY_PAGE = 1_000;

  private final MetadataStore metadata;
  private final LifecycleStore lifecycle;
  private final Supplier<PolicySet> policies;
  private final Clock clock;

  /**
   * A retention run over {@code metadata}, judged by the policy set {@code policies} supplies at
   * the start of each run.
   */
  public RetentionRun(MetadataStore metadata, Supplier<PolicySet> policies, Clock clock) {
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.lifecycle = metadata.lifecycle();
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Judges every project with retention rules, and deletes unless {@code dryRun}.
   *
   * @throws IOException when the storage fails; what was deleted stays deleted
   */
  public RetentionReport run(boolean dryRun) throws IOException {
    Instant startedAt = clock.instant();
    PolicySet set = policies.get();
    SortedSet<String> projects = set.retentionProjects();
    Map<String, List<RepositoryName>> repositories = repositoriesOf(projects);
    List<RetentionReport.Outcome> outcomes = new ArrayList<>();
    for (String project : projects) {
      Map<RepositoryName, RepositoryContent> contents = new LinkedHashMap<>();
      List<RetentionCandidate> candidates = new ArrayList<>();
      for (RepositoryName repository : repositories.getOrDefault(project, List.of())) {
        RepositoryContent content = lifecycle.content(repository);
        contents.put(repository, content);
        candidates.addAll(candidates(content));
      }
      RetentionPlan plan = set.retain(project, candidates, startedAt);
      for (RepositoryContent content : contents.values()) {
        outcomes.addAll(apply(content, plan, dryRun, startedAt));
      }
    }
    return new RetentionReport(dryRun, startedAt, clock.instant(), projects, outcomes);
  }

  private Map<String, List<RepositoryName>> repositoriesOf(Set<String> projects)
      throws IOException {
    Map<String, List<RepositoryName>> byProject = new HashMap<>();
    if (projects.isEmpty()) {
      return byProject;
    }
    Optional<String> last = Optional.empty();
    do {
      Page<RepositoryName> page = metadata.repositories(new PageRequest(REPOSITORY_PAGE, last));
      for (RepositoryName repository : page.items()) {
        String project = projectOf(repository);
        if (projects.contains(project)) {
          byProject.computeIfAbsent(project, p -> new ArrayList<>()).add(repository);
        }
      }
      last = page.next();
    } while (last.isPresent());
    return byProject;
  }

  private static String projectOf(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(0, slash);
  }

  /** The top-level artifacts of a repository: not referrers; tagged, or listed by nothing. */
  static List<RetentionCandidate> candidates(RepositoryContent content) {
    Map<Digest, List<TagRecord>> tags = new HashMap<>();
    for (TagRecord tag : content.tags()) {
      tags.computeIfAbsent(tag.digest(), d -> new ArrayList<>()).add(tag);
    }
    Set<Digest> listed = listed(content.manifests());
    List<RetentionCandidate> candidates = new ArrayList<>();
    for (ManifestNode node : content.manifests()) {
      List<TagRecord> own = tags.getOrDefault(node.digest(), List.of());
      if (node.subject().isPresent() || (own.isEmpty() && listed.contains(node.digest()))) {
        continue;
      }
      // As Harbor dates an artifact: its latest push or pull, by digest or through a tag.
      Instant pushed = node.pushedAt();
      Optional<Instant> pulled = node.pulledAt();
      for (TagRecord tag : own) {
        pushed = later(pushed, tag.pushedAt());
        pulled = latest(pulled, tag.pulledAt());
      }
      candidates.add(
          new RetentionCandidate(
              content.repository(),
              node.digest(),
              own.stream().map(TagRecord::tag).toList(),
              pushed,
              pulled));
    }
    return candidates;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : Optional.of(later(a.get(), b.get()));
  }

  private static Map<Digest, List<Tag>> tagsByDigest(RepositoryContent content) {
    Map<Digest, List<Tag>> tags = new HashMap<>();
    for (TagRecord tag : content.tags()) {
      tags.computeIfAbsent(tag.digest(), d -> new ArrayList<>()).add(tag.tag());
    }
    return tags;
  }

  private static Set<Digest> listed(List<ManifestNode> manifests) {
    Set<Digest> listed = new HashSet<>();
    for (ManifestNode node : manifests) {
      for (ContentReference ref : node.references()) {
        if (ref.kind() == ContentReference.Kind.CHILD) {
          listed.add(ref.target());
        }
      }
    }
    return listed;
  }

  /** Applies the plan's decisions about one repository. */
  private List<RetentionReport.Outcome> apply(
      RepositoryContent content, RetentionPlan plan, boolean dryRun, Instant startedAt)
      throws IOException {
    RepositoryName repository = content.repository();
    Map<Digest, ManifestNode> manifests = new LinkedHashMap<>();
    Map<Digest, List<ManifestNode>> referrers = new HashMap<>();
    for (ManifestNode node : content.manifests()) {
      manifests.put(node.digest(), node);
      node.subject().ifPresent(s -> referrers.computeIfAbsent(s, k -> new ArrayList<>()).add(node));
    }
    Map<Digest, List<Tag>> tags = tagsByDigest(content);
    List<RetentionDecision> decisions = new ArrayList<>();
    Set<Digest> doomed = new HashSet<>();
    for (RetentionDecision decision : plan.decisions()) {
      if (decision.candidate().repository().equals(repository)) {
        decisions.add(decision);
        if (decision.deleted()) {
          doomed.add(decision.candidate().digest());
        }
      }
    }
    // What goes with the doomed: referrers (recursively) and children nothing else lists.
    Set<Digest> going = closure(doomed, manifests, referrers, tags);
    List<RetentionReport.Outcome> outcomes = new ArrayList<>();
    Map<RetentionDecision, List<Digest>> pending = new LinkedHashMap<>();
    for (RetentionDecision decision : decisions) {
      RetentionCandidate candidate = decision.candidate();
      Digest digest = candidate.digest();
      if (decision.retained()) {
        outcomes.add(RetentionReport.Outcome.kept(candidate, decision.summary()));
        continue;
      }
      Optional<Digest> keeper = listedByKept(digest, manifests, going);
      if (keeper.isPresent()) {
        outcomes.add(
            RetentionReport.Outcome.kept(
                candidate, "listed by index " + keeper.get() + ", which stays"));
        continue;
      }
      List<Digest> followers = followers(digest, manifests, referrers, going);
      if (dryRun) {
        outcomes.add(RetentionReport.Outcome.deleted(candidate, decision.summary(), followers));
      } else {
        pending.put(decision, followers);
      }
    }
    // Deletes, again while one makes another possible (a doomed tagged child of a doomed index
    // goes after the index).
    Set<Digest> gone = new HashSet<>();
    boolean progress = true;
    while (progress && !pending.isEmpty()) {
      progress = false;
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        RetentionCandidate candidate = entry.getKey().candidate();
        if (!gone.contains(candidate.digest()) && !delete(repository, candidate, startedAt)) {
          continue;
        }
        gone.add(candidate.digest());
        List<Digest> followed = new ArrayList<>();
        for (Digest follower : entry.getValue()) {
          if (gone.contains(follower)
              || lifecycle.collectManifest(repository, follower, startedAt)) {
            gone.add(follower);
            followed.add(follower);
          }
        }
        outcomes.add(
            RetentionReport.Outcome.deleted(candidate, entry.getKey().summary(), followed));
        it.remove();
        progress = true;
      }
    }
    for (RetentionDecision decision : pending.keySet()) {
      outcomes.add(
          RetentionReport.Outcome.kept(
              decision.candidate(),
              "changed during the run (tagged, listed or pushed again), so kept"));
    }
    return outcomes;
  }

  private boolean delete(RepositoryName repository, RetentionCandidate candidate, Instant before)
      throws IOException {
    for (Tag tag : candidate.tags()) {
      lifecycle.removeTag(repository, tag, candidate.digest());
    }
    return lifecycle.collectManifest(repository, candidate.digest(), before);
  }

  /** The doomed artifacts with everything that goes with them. */
  private static Set<Digest> closure(
      Set<Digest> doomed,
      Map<Digest, ManifestNode> manifests,
      Map<Digest, List<ManifestNode>> referrers,
      Map<Digest, List<Tag>> tags) {
    Set<Digest> going = new HashSet<>(doomed);
    boolean grew = true;
    while (grew) {
      grew = false;
      for (ManifestNode node : manifests.values()) {
        Digest digest = node.digest();
        if (going.contains(digest)) {
          continue;
        }
        boolean follows;
        if (node.subject().isPresent()) {
          follows = going.contains(node.subject().get());
        } else {
          follows =
              !tags.containsKey(digest)
                  && isListed(digest, manifests)
                  && listedOnlyBy(digest, manifests, going);
        }
        if (follows) {
          going.add(digest);
          grew = true;
        }
      }
    }
    return going;
  }

  private static boolean isListed(Digest digest, Map<Digest, ManifestNode> manifests) {
    return parents(digest, manifests).findAny().isPresent();
  }

  private static boolean listedOnlyBy(
      Digest digest, Map<Digest, ManifestNode> manifests, Set<Digest> going) {
    return parents(digest, manifests).allMatch(going::contains);
  }

  private static Optional<Digest> listedByKept(
      Digest digest, Map<Digest, ManifestNode> manifests, Set<Digest> going) {
    return parents(digest, manifests).filter(p -> !going.contains(p)).findFirst();
  }

  private static java.util.stream.Stream<Digest> parents(
      Digest digest, Map<Digest, ManifestNode> manifests) {
    return manifests.values().stream()
        .filter(
            n ->
                n.references().stream()
                    .anyMatch(
                        r -> r.kind() == ContentReference.Kind.CHILD && r.target().equals(digest)))
        .map(ManifestNode::digest);
  }

  /**
   * What goes after {@code digest}, in an order the conditional deletes accept: its referrers
   * before theirs, an index's children after it.
   */
  private static List<Digest> followers(
      Digest digest,
      Map<Digest, ManifestNode> manifests,
      Map<Digest, List<ManifestNode>> referrers,
      Set<Digest> going) {
    List<Digest> order = new ArrayList<>();
    Set<Digest> seen = new HashSet<>();
    seen.add(digest);
    List<Digest> frontier = List.of(digest);
    while (!frontier.isEmpty()) {
      List<Digest> next = new ArrayList<>();
      for (Digest d : frontier) {
        for (ManifestNode r : referrers.getOrDefault(d, List.of())) {
          if (going.contains(r.digest()) && seen.add(r.digest())) {
            next.add(r.digest());
          }
        }
        ManifestNode node = manifests.get(d);
        if (node != null) {
          for (ContentReference ref : node.references()) {
            if (ref.kind() == ContentReference.Kind.CHILD
                && going.contains(ref.target())
                && seen.add(ref.target())) {
              next.add(ref.target());
            }
          }
        }
      }
      order.addAll(next);
      frontier = next;
    }
    return order;
  }
}

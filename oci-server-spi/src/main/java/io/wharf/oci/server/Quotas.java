package io.wharf.oci.server;

import io.wharf.oci.storage.ProjectUsage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The quota of each project, which the engine enforces on pushes ({@link
 * Registry.Builder#quotas(Quotas)}). A project is the first path component of repository names
 * ({@code team} for {@code team/app/api}), as in Harbor; its usage is what {@link
 * io.wharf.oci.storage.MetadataStore#projectUsage} says.
 *
 * <p>The engine asks {@link #limit} on every manifest push and blob upload (never on a pull), so it
 * must answer at once and from memory, and be thread-safe. Its answer may change at run time (a
 * policy reloaded); each request uses the answer it got.
 *
 * <h2>What is enforced</h2>
 *
 * <ul>
 *   <li>A manifest push that would take the project over a limit is refused with {@code 403 DENIED}
 *       before anything is stored, after the admission gates allowed it: its own bytes count when
 *       the project holds no manifest or blob of its digest, and it is one more artifact when its
 *       repository does not store it yet. Its blobs and children were counted when they were
 *       uploaded or mounted. Pushing a manifest again and moving tags add nothing and always pass.
 *   <li>A blob upload is refused as soon as its size is known to exceed: a monolithic {@code POST}
 *       or a {@code PATCH} whose {@code Content-Length} (or {@code Content-Range}) would take the
 *       project over, a stream that goes past the limit while it arrives, and the {@code PUT} that
 *       finishes it. The upload session is then cancelled and its bytes dropped. A blob the project
 *       holds already adds nothing when its digest is known (a monolithic {@code POST}, the
 *       finishing {@code PUT}, a mount); the chunks of a chunked upload, whose digest comes last,
 *       count as new. A mount from another project counts the blob's size.
 * </ul>
 *
 * <p>Each check and the write it admits run under a lock of the project (striped: a fixed number of
 * locks whatever the number of projects), so two pushes of one registry cannot both pass when
 * together they exceed. Several registry processes sharing one PostgreSQL database do not share
 * these locks: each may overshoot a limit by at most the one push it has in flight per project.
 */
@FunctionalInterface
public interface Quotas {

  /** The quota of {@code project}, if it has one. */
  Optional<Quota> limit(String project);

  /** No project has a quota (the default): the engine checks nothing. */
  static Quotas none() {
    return NoQuotas.INSTANCE;
  }

  /** The quotas of the projects named in {@code quotas}; other projects have none. */
  static Quotas of(Map<String, Quota> quotas) {
    Map<String, Quota> copy = Map.copyOf(quotas);
    copy.keySet().forEach(ProjectUsage::checkProject);
    return project -> Optional.ofNullable(copy.get(project));
  }

  /** The same quota for every project. */
  static Quotas everyProject(Quota quota) {
    Objects.requireNonNull(quota, "quota");
    Optional<Quota> answer = Optional.of(quota);
    return project -> answer;
  }
}

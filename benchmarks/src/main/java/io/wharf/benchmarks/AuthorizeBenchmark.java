package io.wharf.benchmarks;

import io.wharf.oci.auth.ProjectAuthorizer;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Decision;
import io.wharf.oci.server.Identity;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import io.wharf.oci.storage.access.RobotRecord;
import io.wharf.oci.storage.memory.InMemoryAccessStore;
import java.io.IOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ProjectAuthorizer#authorize}, which the engine calls on every request: the time of one
 * decision, in nanoseconds, from its in-memory snapshot of 1,000 projects with 10 users and 2
 * groups each and 100 robot accounts (the system clock; the store's revision is read once a
 * second).
 *
 * <ul>
 *   <li>{@link #memberPull}: a developer pulls from its project.
 *   <li>{@link #groupMemberPush}: a user in 5 groups, one of them a developer of the project,
 *       pushes.
 *   <li>{@link #guestPushDenied}: a guest pushes and is denied; the decision carries its reason.
 *   <li>{@link #anonymousPublicPull}: the anonymous caller pulls from a public project.
 *   <li>{@link #robotPush}: a robot account with push in the project.
 *   <li>{@link #systemAdmin}: a system administrator deletes (no snapshot needed).
 * </ul>
 *
 * Mode AverageTime in nanoseconds. Target: well under a microsecond for an allowed decision, so
 * that access control is not what limits the request rate.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class AuthorizeBenchmark {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private ProjectAuthorizer authorizer;
  private Identity developer;
  private Identity groupMember;
  private Identity guest;
  private Identity robot;
  private Identity admin;
  private Access pull;
  private Access push;
  private Access publicPull;
  private Access delete;

  /** Fills the store and takes the first snapshot. */
  @Setup
  public void setUp() throws IOException {
    InMemoryAccessStore store = new InMemoryAccessStore();
    for (int p = 0; p < 1000; p++) {
      String project = "project" + p;
      store.putProject(new ProjectRecord(project, p % 10 == 0, T0));
      for (int u = 0; u < 10; u++) {
        ProjectRole role = ProjectRole.values()[u % ProjectRole.values().length];
        store.putMember(new ProjectMember(project, Principal.user("user" + p + "-" + u), role));
      }
      store.putMember(
          new ProjectMember(project, Principal.group("devs" + p), ProjectRole.DEVELOPER));
      store.putMember(
          new ProjectMember(project, Principal.group("ops" + p), ProjectRole.MAINTAINER));
    }
    for (int r = 0; r < 100; r++) {
      store.createRobot(
          new RobotRecord(
              "robot" + r,
              "sha256:00",
              List.of(
                  new RobotPermission(
                      "project" + (r * 10 + 7), EnumSet.of(RobotAction.PULL, RobotAction.PUSH))),
              Optional.empty(),
              false,
              T0,
              ""));
    }
    authorizer = ProjectAuthorizer.builder(store).systemAdmin("root").build();
    authorizer.refresh();
    Map<String, String> user = Map.of("kind", "user", "source", "htpasswd");
    developer = Identity.named("user517-2").withAttributes(user);
    groupMember =
        Identity.named("someone")
            .withGroups(Set.of("a", "b", "devs517", "c", "d"))
            .withAttributes(user);
    guest = Identity.named("user517-3").withAttributes(user);
    robot = Identity.named("robot$robot51").withAttributes(Map.of("kind", "robot"));
    admin = Identity.named("root").withAttributes(user);
    RepositoryName repo = RepositoryName.of("project517/team/app");
    pull = Access.pull(repo);
    push = Access.push(repo);
    delete = Access.delete(repo);
    publicPull = Access.pull(RepositoryName.of("project510/base"));
  }

  /** A developer pulls. */
  @Benchmark
  public Decision memberPull() throws IOException {
    return authorizer.authorize(developer, pull);
  }

  /** A developer by group pushes. */
  @Benchmark
  public Decision groupMemberPush() throws IOException {
    return authorizer.authorize(groupMember, push);
  }

  /** A guest pushes: denied, with the reason. */
  @Benchmark
  public Decision guestPushDenied() throws IOException {
    return authorizer.authorize(guest, push);
  }

  /** Anonymous pull from a public project. */
  @Benchmark
  public Decision anonymousPublicPull() throws IOException {
    return authorizer.authorize(Identity.ANONYMOUS, publicPull);
  }

  /** A robot pushes. */
  @Benchmark
  public Decision robotPush() throws IOException {
    return authorizer.authorize(robot, push);
  }

  /** A system administrator deletes. */
  @Benchmark
  public Decision systemAdmin() throws IOException {
    return authorizer.authorize(admin, delete);
  }
}

package io.wharf.cli;

import io.wharf.oci.auth.ProjectSpec;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code wharf.yaml}'s {@code projects} list into {@link ProjectSpec}s, applied at start
 * ({@code Projects.seed}: created or updated; members added or their roles changed; nothing else
 * removed).
 *
 * <pre>
 * projects:
 *   - name: library
 *     public: true
 *     members:
 *       - {user: alice, role: projectAdmin}
 *       - {group: developers, role: developer}
 * </pre>
 */
final class ProjectSeed {

  private ProjectSeed() {}

  /** Reads the {@code projects} list. */
  static List<ProjectSpec> parse(String source, Object value, java.nio.file.Path base)
      throws ConfigException {
    if (!(value instanceof List<?> list)) {
      throw new ConfigException(
          source + ": projects: expected a list, found " + ConfigNode.kind(value));
    }
    List<ProjectSpec> seeds = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      ConfigNode p =
          ConfigNode.of(
              source,
              "projects[" + i + "]",
              list.get(i),
              base,
              AuthConfig.keys("name", "public", "members"));
      String name = p.required("name", 255);
      try {
        ProjectRecord.checkName(name);
      } catch (IllegalArgumentException e) {
        throw p.error("name", e.getMessage());
      }
      if (!names.add(name)) {
        throw p.error("name", "project " + name + " is listed twice");
      }
      Map<Principal, ProjectRole> members = new java.util.LinkedHashMap<>();
      for (ConfigNode m : p.nodes("members", AuthConfig.keys("user", "group", "role"))) {
        Optional<String> user = m.string("user", 256);
        Optional<String> group = m.string("group", 256);
        if (user.isPresent() == group.isPresent()) {
          throw m.error("user", "give exactly one of user and group");
        }
        Principal principal =
            user.isPresent() ? Principal.user(user.get()) : Principal.group(group.get());
        String role = m.required("role", 32);
        ProjectRole r =
            ProjectRole.fromId(role)
                .orElseThrow(
                    () ->
                        m.error(
                            "role",
                            "unknown role '"
                                + role
                                + "' (roles: projectAdmin, maintainer, developer, guest,"
                                + " limitedGuest)"));
        if (members.put(principal, r) != null) {
          throw m.error("role", principal + " is listed twice");
        }
      }
      seeds.add(new ProjectSpec(name, p.bool("public").orElse(false), members));
    }
    return List.copyOf(seeds);
  }
}

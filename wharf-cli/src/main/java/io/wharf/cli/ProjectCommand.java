package io.wharf.cli;

import io.wharf.oci.auth.Projects;
import io.wharf.oci.storage.access.Principal;
import io.wharf.oci.storage.access.ProjectMember;
import io.wharf.oci.storage.access.ProjectRecord;
import io.wharf.oci.storage.access.ProjectRole;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** {@code wharf project}: projects, their members and roles, in a data folder. */
final class ProjectCommand extends AccessCommand {

  static final Cli.Option NAME = Cli.Option.value("NAME", "The project.", "--name");
  static final Cli.Option PUBLIC =
      Cli.Option.value(
          "true|false", "Whether anyone may pull (create: default false).", "--public");
  static final Cli.Option USER = Cli.Option.value("USER", "A member, by user name.", "--user");
  static final Cli.Option GROUP =
      Cli.Option.value("GROUP", "A member, by group (LDAP or OIDC).", "--group");
  static final Cli.Option ROLE =
      Cli.Option.value(
          "ROLE", "projectAdmin, maintainer, developer, guest or limitedGuest.", "--role");

  private static final List<String> ACTIONS =
      List.of("list", "create", "update", "delete", "members", "add-member", "remove-member");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "project",
          List.of(
              "Manages projects, members and roles in a data folder (also while it is served).",
              "ACTION is list, create --name N [--public true], update --name N --public B,",
              "delete --name N, members --name N, add-member --name N --user U|--group G --role R",
              "(or a new role for a member), remove-member --name N --user U|--group G.",
              "Exit status: 0 done, 1 refused or failed, 2 bad arguments."),
          List.of(new Cli.Positional("ACTION", String.join(", ", ACTIONS))),
          List.of(NAME, PUBLIC, USER, GROUP, ROLE, DATA, CONFIG));

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    String action = action(args, ACTIONS);
    return withStore(
        args,
        err,
        "project",
        store -> {
          Projects projects = Projects.builder(store.access()).build();
          switch (action) {
            case "list" -> {
              for (ProjectRecord p : projects.list()) {
                out.println(p.name() + "\t" + (p.isPublic() ? "public" : "private"));
              }
            }
            case "create" -> {
              ProjectRecord p =
                  projects.create(
                      required(args, NAME, action),
                      args.value(PUBLIC, ServeCommand::bool).orElse(false));
              out.println(
                  "created " + (p.isPublic() ? "public" : "private") + " project " + p.name());
            }
            case "update" -> {
              String name = required(args, NAME, action);
              boolean isPublic =
                  args.value(PUBLIC, ServeCommand::bool)
                      .orElseThrow(() -> new Cli.UsageError("update needs --public"));
              projects.setPublic(name, isPublic);
              out.println("project " + name + " is " + (isPublic ? "public" : "private"));
            }
            case "delete" -> {
              String name = required(args, NAME, action);
              if (!projects.delete(name)) {
                err.println("wharf project: no project " + name);
                return 1;
              }
              out.println("deleted project " + name + " and its members (its repositories stay)");
            }
            case "members" -> {
              for (ProjectMember m : projects.members(required(args, NAME, action))) {
                out.println(m.principal() + "\t" + m.role().id());
              }
            }
            case "add-member" -> {
              String name = required(args, NAME, action);
              Principal who = principal(args, action);
              String roleName = required(args, ROLE, action);
              ProjectRole role =
                  ProjectRole.fromId(roleName)
                      .orElseThrow(
                          () ->
                              new Cli.UsageError(
                                  "Unknown role: '"
                                      + Cli.shown(roleName)
                                      + "' (roles: projectAdmin, maintainer, developer, guest,"
                                      + " limitedGuest)"));
              Optional<ProjectRole> before = projects.putMember(name, who, role);
              out.println(
                  who
                      + " is "
                      + role.id()
                      + " in project "
                      + name
                      + before.map(r -> " (was " + r.id() + ")").orElse(""));
            }
            case "remove-member" -> {
              String name = required(args, NAME, action);
              Principal who = principal(args, action);
              if (!projects.removeMember(name, who)) {
                err.println("wharf project: " + who + " is not a member of " + name);
                return 1;
              }
              out.println("removed " + who + " from project " + name);
            }
            default -> throw new IllegalStateException(action);
          }
          return 0;
        });
  }

  private static Principal principal(Cli.Args args, String action) throws Cli.UsageError {
    Optional<String> user = args.value(USER, s -> s);
    Optional<String> group = args.value(GROUP, s -> s);
    if (user.isPresent() == group.isPresent()) {
      throw new Cli.UsageError(action + " needs one of --user and --group");
    }
    return user.isPresent() ? Principal.user(user.get()) : Principal.group(group.get());
  }
}

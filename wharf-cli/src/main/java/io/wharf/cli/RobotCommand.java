package io.wharf.cli;

import io.wharf.oci.auth.RobotAccounts;
import io.wharf.oci.auth.RobotCredentials;
import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotRecord;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code wharf robot}: robot accounts in a data folder. */
final class RobotCommand extends AccessCommand {

  static final Cli.Option NAME =
      Cli.Option.value("NAME", "The robot (it logs in as robot$NAME).", "--name");
  static final Cli.Option PERMISSION =
      Cli.Option.repeatable(
          "PROJECT=ACTIONS",
          "What it may do, e.g. team=pull,push or *=pull (actions pull, push, delete, list).",
          "--permission");
  static final Cli.Option EXPIRES =
      Cli.Option.value(
          "DURATION|never",
          "When it stops working, from now, e.g. 30d (default never).",
          "--expires");
  static final Cli.Option DESCRIPTION =
      Cli.Option.value("TEXT", "What it is for.", "--description");

  private static final List<String> ACTIONS =
      List.of("list", "create", "disable", "enable", "rotate", "expire", "delete");

  private static final Cli.Syntax SYNTAX =
      new Cli.Syntax(
          "robot",
          List.of(
              "Manages robot accounts in a data folder (also while it is served).",
              "ACTION is list, create --name N --permission P... [--expires D] [--description T],",
              "disable|enable|rotate|delete --name N, expire --name N --expires D|never.",
              "create and rotate print the secret once: the store keeps only its hash.",
              "Exit status: 0 done, 1 refused or failed, 2 bad arguments."),
          List.of(new Cli.Positional("ACTION", String.join(", ", ACTIONS))),
          List.of(NAME, PERMISSION, EXPIRES, DESCRIPTION, DATA, CONFIG));

  private final Clock clock;

  RobotCommand() {
    this(Clock.systemUTC());
  }

  RobotCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Cli.Syntax syntax() {
    return SYNTAX;
  }

  @Override
  public int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    String action = action(args, ACTIONS);
    List<RobotPermission> permissions = permissions(args.values(PERMISSION));
    Optional<Optional<Instant>> expires = args.value(EXPIRES, this::expiry);
    return withStore(
        args,
        err,
        "robot",
        store -> {
          RobotAccounts robots = new RobotAccounts(store.access(), clock);
          switch (action) {
            case "list" -> {
              for (RobotRecord r : robots.list()) {
                out.println(describe(r));
              }
            }
            case "create" -> {
              if (permissions.isEmpty()) {
                throw new Cli.UsageError("create needs at least one --permission");
              }
              String name = required(args, NAME, action);
              String description = args.value(DESCRIPTION, s -> s).orElse("");
              Optional<Instant> until = expires.orElse(Optional.empty());
              RobotCredentials c =
                  until.isPresent()
                      ? robots.create(name, permissions, description, until.get())
                      : robots.create(name, permissions, description);
              printCredentials(out, c);
            }
            case "rotate" ->
                printCredentials(out, robots.rotateSecret(required(args, NAME, action)));
            case "disable" -> out.println(describe(robots.disable(required(args, NAME, action))));
            case "enable" -> out.println(describe(robots.enable(required(args, NAME, action))));
            case "expire" -> {
              String name = required(args, NAME, action);
              Optional<Instant> until =
                  expires.orElseThrow(() -> new Cli.UsageError("expire needs --expires"));
              out.println(
                  describe(
                      until.isPresent()
                          ? robots.expireAt(name, until.get())
                          : robots.neverExpire(name)));
            }
            case "delete" -> {
              String name = required(args, NAME, action);
              if (!robots.delete(name)) {
                err.println("wharf robot: no robot " + name);
                return 1;
              }
              out.println("deleted robot " + name);
            }
            default -> throw new IllegalStateException(action);
          }
          return 0;
        });
  }

  private static void printCredentials(PrintWriter out, RobotCredentials c) {
    out.println(describe(c.robot()));
    out.println("username: " + c.username());
    out.println("secret:   " + c.secret());
    out.println("(the secret is shown only now; rotate it if it is lost)");
  }

  private static String describe(RobotRecord r) {
    StringBuilder s = new StringBuilder(RobotAccounts.PREFIX + r.name());
    for (RobotPermission p : r.permissions()) {
      s.append('\t').append(p.project()).append('=');
      List<String> actions = new ArrayList<>();
      p.actions().forEach(a -> actions.add(a.name().toLowerCase(Locale.ROOT)));
      s.append(String.join(",", actions));
    }
    s.append(r.disabled() ? "\tdisabled" : "\tenabled");
    s.append(r.expiresAt().map(t -> "\texpires " + t).orElse("\tnever expires"));
    if (!r.description().isEmpty()) {
      s.append('\t').append(r.description());
    }
    return s.toString();
  }

  private Optional<Instant> expiry(String value) {
    if (value.equals("never")) {
      return Optional.empty();
    }
    Duration d = Durations.parse(value);
    return Optional.of(clock.instant().plus(d));
  }

  /** {@code PROJECT=pull,push} values. */
  static List<RobotPermission> permissions(List<String> values) throws Cli.UsageError {
    List<RobotPermission> out = new ArrayList<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0 || eq == v.length() - 1) {
        throw new Cli.UsageError(
            "--permission is PROJECT=ACTIONS, e.g. team=pull,push: '" + Cli.shown(v) + "'");
      }
      Set<RobotPermission.RobotAction> actions = EnumSet.noneOf(RobotPermission.RobotAction.class);
      for (String a : v.substring(eq + 1).split(",", -1)) {
        try {
          actions.add(RobotPermission.RobotAction.valueOf(a.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new Cli.UsageError(
              "Unknown action '" + Cli.shown(a) + "' in --permission (pull, push, delete, list)");
        }
      }
      try {
        out.add(new RobotPermission(v.substring(0, eq), actions));
      } catch (IllegalArgumentException e) {
        throw new Cli.UsageError("--permission " + Cli.shown(v) + ": " + e.getMessage());
      }
    }
    return out;
  }
}

package io.wharf.oci.storage.jdbc;

import io.wharf.oci.storage.access.RobotPermission;
import io.wharf.oci.storage.access.RobotPermission.RobotAction;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A robot's permissions as the one text column {@code robot_accounts.permissions} keeps them: the
 * entries in their order, joined by {@code ;}, each {@code <project or *>=<actions>} with the
 * actions in {@link RobotAction} order, lower case, joined by {@code ,}; the empty text for no
 * permissions. For example {@code library=pull,push;*=pull}. Project names cannot hold {@code =},
 * {@code ;} or {@code ,}, so no escaping is needed.
 *
 * <p>{@link #parse} is strict: it accepts exactly the texts {@link #format} writes (no spaces, no
 * repeated or unordered actions, no empty entries), so a row edited by hand either reads back as
 * what it says or is refused.
 */
final class RobotPermissionText {

  private RobotPermissionText() {}

  /** The text of {@code permissions}. */
  static String format(List<RobotPermission> permissions) {
    StringBuilder b = new StringBuilder();
    for (RobotPermission p : permissions) {
      if (b.length() > 0) {
        b.append(';');
      }
      b.append(p.project()).append('=');
      boolean first = true;
      for (RobotAction action : EnumSet.copyOf(p.actions())) {
        if (!first) {
          b.append(',');
        }
        b.append(name(action));
        first = false;
      }
    }
    return b.toString();
  }

  /**
   * The permissions {@code text} holds.
   *
   * @throws IllegalArgumentException when {@code text} is not exactly what {@link #format} writes
   */
  static List<RobotPermission> parse(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    List<RobotPermission> permissions = new ArrayList<>();
    for (String entry : text.split(";", -1)) {
      int equals = entry.indexOf('=');
      if (equals < 0) {
        throw malformed(permissions.size(), "has no '='");
      }
      permissions.add(
          new RobotPermission(
              entry.substring(0, equals),
              actions(entry.substring(equals + 1), permissions.size())));
    }
    return List.copyOf(permissions);
  }

  private static Set<RobotAction> actions(String text, int entry) {
    Set<RobotAction> actions = EnumSet.noneOf(RobotAction.class);
    @Nullable RobotAction previous = null;
    for (String name : text.split(",", -1)) {
      RobotAction action = action(name, entry);
      if (previous != null && action.compareTo(previous) <= 0) {
        throw malformed(entry, "lists its actions repeated or out of order");
      }
      actions.add(action);
      previous = action;
    }
    return actions;
  }

  private static RobotAction action(String name, int entry) {
    for (RobotAction action : RobotAction.values()) {
      if (name(action).equals(name)) {
        return action;
      }
    }
    throw malformed(entry, "names an unknown action");
  }

  private static String name(RobotAction action) {
    return action.name().toLowerCase(Locale.ROOT);
  }

  private static IllegalArgumentException malformed(int entry, String why) {
    return new IllegalArgumentException("robot permission entry " + entry + " " + why);
  }
}

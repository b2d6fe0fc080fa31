package io.wharf.oci.auth;

import io.wharf.oci.storage.access.RobotRecord;
import java.util.Objects;

/**
 * A robot account's credentials, returned once when the robot is created or its secret rotated: the
 * store keeps only a hash, so the secret cannot be shown again. {@link #toString()} hides it.
 *
 * @param username the name to log in with: {@code robot$<name>}
 * @param secret the secret to log in with (43 characters of URL-safe base 64: 256 random bits)
 * @param robot the robot as stored
 */
public record RobotCredentials(String username, String secret, RobotRecord robot) {

  /** Checks the parts. */
  public RobotCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(robot, "robot");
  }

  /** Names the robot, never the secret. */
  @Override
  public String toString() {
    return "RobotCredentials[username=" + username + ", secret=(hidden), robot=" + robot + "]";
  }
}

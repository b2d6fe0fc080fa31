package io.wharf.cli;

/** A config file that cannot be used; the message names the file and the key, for people. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}. */
  public ConfigException(String message) {
    super(message);
  }

  /** An exception with {@code message}, caused by {@code cause}. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}

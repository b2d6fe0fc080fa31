package io.wharf.oci.policy.internal;

/** The bounds on a policy document, so that no document can exhaust memory or time. */
public final class Limits {

  /** The largest document, in bytes (and in characters for a document given as text). */
  public static final int MAX_CHARS = 1 << 20;

  /** The deepest nesting of mappings and sequences. */
  public static final int MAX_DEPTH = 20;

  /** The most values (scalars, mappings, sequences) in a document. */
  public static final int MAX_NODES = 200_000;

  /** Aliases the YAML composer tolerates before it stops (they are refused afterwards anyway). */
  public static final int MAX_YAML_ALIASES = 10;

  /** The longest string value. */
  public static final int MAX_STRING = 1024;

  /** The most rules in a document. */
  public static final int MAX_RULES = 1000;

  /** The most entries in one allowlist. */
  public static final int MAX_ALLOWLIST = 10_000;

  /** The most projects configured in a document. */
  public static final int MAX_PROJECTS = 10_000;

  /** The most patterns in one list of a rule's {@code match}. */
  public static final int MAX_PATTERNS = 100;

  private Limits() {}
}

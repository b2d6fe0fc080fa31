package io.wharf.oci.policy.internal;

import java.util.List;

/**
 * A node of a policy document as read from YAML or JSON, with the line and column (1-based) where
 * it starts: a scalar, a mapping (keys in document order, duplicates kept so the reader of the tree
 * can report them) or a sequence.
 */
public sealed interface PolicyNode
    permits PolicyNode.Scalar, PolicyNode.Mapping, PolicyNode.Sequence {

  /** The line where the node starts, 1-based. */
  int line();

  /** The column where the node starts, 1-based. */
  int column();

  /** What a scalar is, as the document wrote it (a quoted {@code "1"} is a string). */
  enum Kind {
    /** A string (YAML timestamps too: the text is kept). */
    STRING,
    /** An integer. */
    INTEGER,
    /** A number with a fraction or exponent. */
    FLOAT,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** {@code null} (or YAML's {@code ~} and empty value). */
    NULL
  }

  /**
   * A scalar.
   *
   * @param line where it starts
   * @param column where it starts
   * @param kind what it is
   * @param text its text ({@code true}, {@code 12}, the string's value)
   * @param quoted whether the text was written in quotes (so its first character is one column
   *     after {@code column})
   */
  record Scalar(int line, int column, Kind kind, String text, boolean quoted)
      implements PolicyNode {}

  /**
   * A key of a mapping and its value.
   *
   * @param key the key's text
   * @param line where the key starts
   * @param column where the key starts
   * @param value the value
   */
  record Entry(String key, int line, int column, PolicyNode value) {}

  /**
   * A mapping.
   *
   * @param line where it starts
   * @param column where it starts
   * @param entries its entries, in document order
   */
  record Mapping(int line, int column, List<Entry> entries) implements PolicyNode {
    /** Copies. */
    public Mapping {
      entries = List.copyOf(entries);
    }
  }

  /**
   * A sequence.
   *
   * @param line where it starts
   * @param column where it starts
   * @param items its items
   */
  record Sequence(int line, int column, List<PolicyNode> items) implements PolicyNode {
    /** Copies. */
    public Sequence {
      items = List.copyOf(items);
    }
  }

  /**
   * Where a problem of the document's syntax is; the reader of a tree adds its source name.
   *
   * @param line 1-based
   * @param column 1-based
   * @param path the field path, e.g. {@code rules[2].name}, empty for the document
   * @param message what is wrong
   */
  record Problem(int line, int column, String path, String message) {}

  /**
   * The tree of a document, or the problems that kept it from being read. A tree with problems is
   * complete enough to be checked further, so that every error is reported at once.
   *
   * @param root the document's root, empty when the text has no document or could not be parsed
   * @param problems what is wrong with the syntax
   */
  record Tree(java.util.Optional<PolicyNode> root, List<Problem> problems) {
    /** Copies. */
    public Tree {
      problems = List.copyOf(problems);
    }
  }
}

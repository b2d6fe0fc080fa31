package io.wharf.cli;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code wharf.yaml}'s {@code policies}: where the policy documents in force come from (the format
 * of a document is oci-policy's {@code POLICY.md}).
 *
 * <pre>
 * policies:
 *   files: [policy.yaml, team-a.yaml]   # policy documents, relative to this file's folder
 *   inline:                             # and/or one document written here
 *     version: 1
 *     rules: [...]
 *   watch: true                         # reload when a file changes (default); SIGHUP always does
 * </pre>
 *
 * <p>An inline document is handed to the policy loader as the very lines of {@code wharf.yaml} it
 * occupies (everything else blanked), so that its errors name this file's lines and columns.
 *
 * @param files the policy documents' files
 * @param inline the inline document, if any
 * @param watch whether files are watched for changes
 * @param configFile the config file they were read from, read again on a reload (its inline
 *     document and its list of files may have changed too)
 */
record PolicyConfig(
    List<Path> files, Optional<PolicyText> inline, boolean watch, Optional<Path> configFile) {

  /** The keys of {@code policies}. */
  static final Set<String> KEYS = Set.of("files", "inline", "watch");

  /** The largest policy document file read. */
  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  /**
   * One policy document's text and the name its errors carry.
   *
   * @param source the file name, for messages
   * @param text the document
   */
  record PolicyText(String source, String text) {
    PolicyText {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(text, "text");
    }
  }

  PolicyConfig {
    files = List.copyOf(files);
    Objects.requireNonNull(inline, "inline");
    Objects.requireNonNull(configFile, "configFile");
  }

  /** No policies. */
  static PolicyConfig none() {
    return new PolicyConfig(List.of(), Optional.empty(), false, Optional.empty());
  }

  /** Whether any document is configured. */
  boolean any() {
    return !files.isEmpty() || inline.isPresent();
  }

  /**
   * Reads {@code policies} of the config file {@code source}, whose whole text is {@code text}.
   *
   * @throws ConfigException when a key or value is wrong, or nothing is configured
   */
  static PolicyConfig parse(String source, String text, Object value, Path base)
      throws ConfigException {
    ConfigNode node = ConfigNode.of(source, "policies", value, base, KEYS);
    List<Path> files = node.files("files");
    Optional<PolicyText> inline = Optional.empty();
    if (node.has("inline")) {
      inline = Optional.of(new PolicyText(source, inlineText(source, text)));
    }
    if (files.isEmpty() && inline.isEmpty()) {
      throw node.error("names no policy document: give files, inline or both");
    }
    return new PolicyConfig(files, inline, node.bool("watch").orElse(true), Optional.empty());
  }

  /** This configuration, read from config file {@code file}. */
  PolicyConfig from(Path file) {
    return new PolicyConfig(files, inline, watch, Optional.of(file));
  }

  /** Every document's text, the files read now (in order), then the inline one. */
  List<PolicyText> read() throws ConfigException {
    List<PolicyText> texts = new ArrayList<>();
    for (Path file : files) {
      texts.add(new PolicyText(file.toString(), readFile(file)));
    }
    inline.ifPresent(texts::add);
    return texts;
  }

  /** A policy document file's text: UTF-8, at most 1 MiB. */
  static String readFile(Path file) throws ConfigException {
    return ConfigNode.readText(file, MAX_DOCUMENT_BYTES);
  }

  /**
   * The text of {@code policies.inline}: the lines it spans, with everything before its start on
   * its first line and every line before it blanked, so that lines and columns stay those of the
   * config file.
   */
  private static String inlineText(String source, String text) throws ConfigException {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(20);
      options.setCodePointLimit(WharfConfig.MAX_FILE_BYTES);
      root = new Yaml(options).compose(new StringReader(text));
    } catch (YAMLException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    Node inline =
        value(root, "policies")
            .flatMap(p -> value(p, "inline"))
            .orElseThrow(() -> new ConfigException(source + ": policies.inline: not found"));
    Mark start = inline.getStartMark();
    Mark end = inline.getEndMark();
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < start.getLine(); i++) {
      out.append('\n');
    }
    for (int i = start.getLine(); i <= end.getLine() && i < lines.length; i++) {
      String line = lines[i];
      if (i == end.getLine()) {
        line = line.substring(0, offset(line, end.getColumn()));
      }
      if (i == start.getLine()) {
        int from = offset(line, start.getColumn());
        line = " ".repeat(start.getColumn()) + line.substring(from);
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /** The char offset of code point column {@code column} in {@code line} (its end if beyond). */
  private static int offset(String line, int column) {
    int points = line.codePointCount(0, line.length());
    return column >= points ? line.length() : line.offsetByCodePoints(0, column);
  }

  private static Optional<Node> value(Node mapping, String key) {
    if (!(mapping instanceof MappingNode m)) {
      return Optional.empty();
    }
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return Optional.of(t.getValueNode());
      }
    }
    return Optional.empty();
  }
}

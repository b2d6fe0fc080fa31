package io.wharf.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
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
 *   containersPolicy: /etc/containers/policy.json   # and/or containers/image's signature policy
 *   registryName: registry.example.com  # this registry's name as clients write it (policy.json's
 *                                       # scopes, Notation's registryScopes); default: the listen address
 *   watch: true                         # reload when a file changes (default); SIGHUP always does
 * </pre>
 *
 * <p>Files a document names (keys, certificates, trusted roots, trust policies) resolve against the
 * document's folder; an inline document's against this file's folder.
 *
 * <p>An inline document is handed to the policy loader as the very lines of {@code wharf.yaml} it
 * occupies (everything else blanked), so that its errors name this file's lines and columns.
 *
 * @param files the policy documents' files
 * @param inline the inline document, if any
 * @param containersPolicy containers/image's {@code policy.json}, if any
 * @param registryName the registry's name as clients write it, when configured
 * @param watch whether files are watched for changes
 * @param configFile the config file they were read from, read again on a reload (its inline
 *     document and its list of files may have changed too)
 */
record PolicyConfig(
    List<Path> files,
    Optional<PolicyText> inline,
    Optional<Path> containersPolicy,
    Optional<String> registryName,
    boolean watch,
    Optional<Path> configFile) {

  /** The keys of {@code policies}. */
  static final Set<String> KEYS =
      Set.of("files", "inline", "containersPolicy", "registryName", "watch");

  /** The longest registry name: a host name and a port. */
  static final int MAX_REGISTRY_NAME = 262;

  /** The largest policy document file read. */
  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  /**
   * One policy document's text and the name its errors carry.
   *
   * @param source the file name, for messages
   * @param text the document
   * @param base the folder the files it names resolve against
   * @param containers whether it is containers/image's {@code policy.json} rather than a Wharf
   *     policy document
   */
  record PolicyText(String source, String text, Path base, boolean containers) {
    PolicyText {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(base, "base");
    }

    /** A Wharf policy document read from {@code file}. */
    static PolicyText ofFile(Path file, String text) {
      return new PolicyText(file.toString(), text, folderOf(file), false);
    }

    /** A containers/image {@code policy.json} read from {@code file}. */
    static PolicyText ofContainersFile(Path file, String text) {
      return new PolicyText(file.toString(), text, folderOf(file), true);
    }
  }

  PolicyConfig {
    files = List.copyOf(files);
    Objects.requireNonNull(inline, "inline");
    Objects.requireNonNull(containersPolicy, "containersPolicy");
    Objects.requireNonNull(registryName, "registryName");
    Objects.requireNonNull(configFile, "configFile");
  }

  /** No policies. */
  static PolicyConfig none() {
    return new PolicyConfig(
        List.of(), Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty());
  }

  /** Whether any document is configured. */
  boolean any() {
    return !files.isEmpty() || inline.isPresent() || containersPolicy.isPresent();
  }

  /** The folder of {@code file}, absolute. */
  static Path folderOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? file.toAbsolutePath().getRoot() : parent;
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
      inline =
          Optional.of(
              new PolicyText(source, inlineText(source, text), base.toAbsolutePath(), false));
    }
    Optional<Path> containers = node.file("containersPolicy");
    Optional<String> registryName = node.string("registryName", MAX_REGISTRY_NAME);
    if (files.isEmpty() && inline.isEmpty() && containers.isEmpty()) {
      throw node.error("names no policy document: give files, inline, containersPolicy or more");
    }
    if (containers.isPresent() && registryName.isEmpty()) {
      throw node.error(
          "containersPolicy",
          "needs registryName: this registry's name as policy.json's scopes write it");
    }
    return new PolicyConfig(
        files, inline, containers, registryName, node.bool("watch").orElse(true), Optional.empty());
  }

  /** This configuration, read from config file {@code file}. */
  PolicyConfig from(Path file) {
    return new PolicyConfig(
        files, inline, containersPolicy, registryName, watch, Optional.of(file));
  }

  /** Every document's text: the files read now (in order), the inline one, then policy.json. */
  List<PolicyText> read() throws ConfigException {
    List<PolicyText> texts = new ArrayList<>();
    for (Path file : files) {
      texts.add(PolicyText.ofFile(file, readFile(file)));
    }
    inline.ifPresent(texts::add);
    if (containersPolicy.isPresent()) {
      Path file = containersPolicy.get();
      texts.add(PolicyText.ofContainersFile(file, readFile(file)));
    }
    return texts;
  }

  /** The files the policies come from: the documents and policy.json (watched for changes). */
  List<Path> sourceFiles() {
    List<Path> all = new ArrayList<>(files);
    containersPolicy.ifPresent(all::add);
    return all;
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
    Node root = ConfigNode.compose(source, text);
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

package io.wharf.oci.policy.internal;

import io.wharf.oci.policy.internal.PolicyNode.Entry;
import io.wharf.oci.policy.internal.PolicyNode.Kind;
import io.wharf.oci.policy.internal.PolicyNode.Problem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads YAML into a {@link PolicyNode} tree with SnakeYAML's composer, which builds nodes and never
 * objects: no type is ever instantiated. Anchors and aliases, explicit tags other than the core
 * schema's, merge keys and more than one document are refused; the composer itself is bounded in
 * nesting, size and aliases (so an alias bomb stops before it is expanded).
 */
public final class YamlTrees {

  private static final Set<Tag> CORE_TAGS =
      Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP, Tag.SEQ, Tag.MAP);

  private YamlTrees() {}

  /** The tree of {@code text}; syntax problems are in the tree's problems. */
  public static PolicyNode.Tree read(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true); // reported with both lines by the document reader
    options.setMaxAliasesForCollections(Limits.MAX_YAML_ALIASES);
    options.setNestingDepthLimit(Limits.MAX_DEPTH);
    options.setCodePointLimit(Limits.MAX_CHARS + 1);
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    options.setMergeOnCompose(false);
    DumperOptions dumper = new DumperOptions();
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options);
    Node root;
    try {
      root = yaml.compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String message = e.getProblem() != null ? e.getProblem() : "not valid YAML";
      if (e.getContext() != null && !message.contains(e.getContext())) {
        message = e.getContext() + ": " + message;
      }
      return failed(mark, "YAML: " + oneLine(message));
    } catch (YAMLException | IllegalStateException | IllegalArgumentException e) {
      return failed(null, "YAML: " + oneLine(String.valueOf(e.getMessage())));
    } catch (StackOverflowError e) {
      return failed(null, "YAML: nested too deeply");
    }
    if (root == null) {
      return new PolicyNode.Tree(Optional.empty(), List.of());
    }
    Converter converter = new Converter();
    PolicyNode tree = converter.convert(root, "");
    return new PolicyNode.Tree(Optional.of(tree), converter.problems);
  }

  private static PolicyNode.Tree failed(Mark mark, String message) {
    int line = mark == null ? 1 : mark.getLine() + 1;
    int column = mark == null ? 1 : mark.getColumn() + 1;
    return new PolicyNode.Tree(Optional.empty(), List.of(new Problem(line, column, "", message)));
  }

  static String oneLine(String message) {
    String flat = message.replaceAll("\\s+", " ").trim();
    return flat.length() <= 300 ? flat : flat.substring(0, 297) + "...";
  }

  private static final class Converter {
    final List<Problem> problems = new ArrayList<>();
    final Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int nodes;

    PolicyNode convert(Node node, String path) {
      int line = node.getStartMark().getLine() + 1;
      int column = node.getStartMark().getColumn() + 1;
      if (!seen.add(node)) {
        return new PolicyNode.Scalar(line, column, Kind.NULL, "", false); // an alias: reported
      }
      if (node.getAnchor() != null) {
        problems.add(
            new Problem(line, column, path, "anchors and aliases (&, *) are not supported"));
      }
      if (++nodes > Limits.MAX_NODES) {
        if (nodes > Limits.MAX_NODES + 1) {
          return new PolicyNode.Scalar(line, column, Kind.NULL, "", false);
        }
        problems.add(
            new Problem(line, column, path, "too many values (at most " + Limits.MAX_NODES + ")"));
        return new PolicyNode.Scalar(line, column, Kind.NULL, "", false);
      }
      Tag tag = node.getTag();
      if (!CORE_TAGS.contains(tag)) {
        problems.add(
            new Problem(line, column, path, "tag " + tag + " is not supported; remove it"));
      }
      if (node instanceof ScalarNode) {
        ScalarNode scalar = (ScalarNode) node;
        boolean quoted = scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN;
        return new PolicyNode.Scalar(line, column, kind(tag), scalar.getValue(), quoted);
      }
      if (node instanceof SequenceNode) {
        List<PolicyNode> items = new ArrayList<>();
        List<Node> values = ((SequenceNode) node).getValue();
        for (int i = 0; i < values.size(); i++) {
          items.add(convert(values.get(i), path + "[" + i + "]"));
        }
        return new PolicyNode.Sequence(line, column, items);
      }
      List<Entry> entries = new ArrayList<>();
      for (NodeTuple tuple : ((MappingNode) node).getValue()) {
        Node key = tuple.getKeyNode();
        int keyLine = key.getStartMark().getLine() + 1;
        int keyColumn = key.getStartMark().getColumn() + 1;
        if (!(key instanceof ScalarNode) || key.getTag().equals(Tag.MERGE)) {
          problems.add(
              new Problem(
                  keyLine, keyColumn, path, "a key is a plain name, not a list, map or '<<'"));
          continue;
        }
        String name = ((ScalarNode) key).getValue();
        String childPath = path.isEmpty() ? name : path + "." + name;
        entries.add(new Entry(name, keyLine, keyColumn, convert(tuple.getValueNode(), childPath)));
      }
      return new PolicyNode.Mapping(line, column, entries);
    }

    private static Kind kind(Tag tag) {
      if (tag.equals(Tag.INT)) {
        return Kind.INTEGER;
      }
      if (tag.equals(Tag.FLOAT)) {
        return Kind.FLOAT;
      }
      if (tag.equals(Tag.BOOL)) {
        return Kind.BOOLEAN;
      }
      if (tag.equals(Tag.NULL)) {
        return Kind.NULL;
      }
      return Kind.STRING;
    }
  }
}

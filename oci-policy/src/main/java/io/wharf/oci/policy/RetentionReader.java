package io.wharf.oci.policy;

import io.wharf.oci.policy.internal.PolicyNode;
import io.wharf.oci.policy.internal.PolicyNode.Entry;
import io.wharf.oci.policy.internal.PolicyNode.Sequence;
import io.wharf.oci.policy.retention.RepositorySelector;
import io.wharf.oci.policy.retention.RetentionPolicy;
import io.wharf.oci.policy.retention.RetentionRule;
import io.wharf.oci.policy.retention.RetentionTemplate;
import io.wharf.oci.policy.retention.TagSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a project's {@code retention} section for {@link PolicyReader}: Harbor's tag retention
 * rules, each with its repository and tag selectors and one template. Every problem is an error at
 * the key that has it.
 */
final class RetentionReader {

  static final List<String> RETENTION_KEYS = List.of("rules");
  static final List<String> RULE_KEYS = List.of("name", "repositories", "tags", "retain");
  static final List<String> REPOSITORY_KEYS = List.of("include", "exclude");
  static final List<String> TAG_KEYS = List.of("include", "exclude", "untagged");
  static final List<String> TEMPLATE_KEYS =
      List.of(
          "mostRecentlyPushed",
          "mostRecentlyPulled",
          "pushedWithinDays",
          "pulledWithinDays",
          "always");

  /** The template of each key of {@link #TEMPLATE_KEYS}, in the same order. */
  private static final List<RetentionTemplate.Kind> KINDS =
      List.of(
          RetentionTemplate.Kind.MOST_RECENTLY_PUSHED,
          RetentionTemplate.Kind.MOST_RECENTLY_PULLED,
          RetentionTemplate.Kind.PUSHED_WITHIN_DAYS,
          RetentionTemplate.Kind.PULLED_WITHIN_DAYS,
          RetentionTemplate.Kind.ALWAYS);

  private final PolicyReader reader;

  RetentionReader(PolicyReader reader) {
    this.reader = reader;
  }

  /** The policy of {@code node} ({@code projects.NAME.retention}); empty after an error. */
  Optional<RetentionPolicy> read(PolicyNode node, String path) {
    Map<String, Entry> fields = reader.fields(node, path, RETENTION_KEYS);
    if (fields == null) {
      return Optional.empty();
    }
    Entry rulesEntry = fields.get("rules");
    if (rulesEntry == null) {
      reader.error(
          node,
          path,
          "'rules' is missing: a retention policy has 1 to "
              + RetentionPolicy.MAX_RULES
              + " rules");
      return Optional.empty();
    }
    String rulesPath = path + ".rules";
    if (rulesEntry.value() instanceof Sequence) {
      int size = ((Sequence) rulesEntry.value()).items().size();
      if (size > RetentionPolicy.MAX_RULES) {
        reader.error(
            rulesEntry.value(),
            rulesPath,
            size
                + " retention rules; a project has at most "
                + RetentionPolicy.MAX_RULES
                + ", as in Harbor");
        return Optional.empty();
      }
      if (size == 0) {
        reader.error(
            rulesEntry.value(),
            rulesPath,
            "an empty list retains nothing: remove 'retention' to keep everything");
        return Optional.empty();
      }
    }
    int before = reader.errorCount();
    List<PolicyNode> items = reader.items(rulesEntry, rulesPath, RetentionPolicy.MAX_RULES);
    List<RetentionRule> rules = new ArrayList<>();
    Map<String, PolicyNode> names = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      rule(items.get(i), rulesPath + "[" + i + "]", names).ifPresent(rules::add);
    }
    if (reader.errorCount() > before || rules.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RetentionPolicy(rules));
  }

  private Optional<RetentionRule> rule(
      PolicyNode node, String path, Map<String, PolicyNode> names) {
    Map<String, Entry> fields = reader.fields(node, path, RULE_KEYS);
    if (fields == null) {
      return Optional.empty();
    }
    int before = reader.errorCount();
    Optional<String> name = name(node, fields.get("name"), path, names);
    String repositoriesPath = path + ".repositories";
    Map<String, Entry> repositoryFields =
        selector(fields.get("repositories"), repositoriesPath, REPOSITORY_KEYS);
    RepositorySelector repositories =
        repositoryFields == null
            ? RepositorySelector.ALL
            : new RepositorySelector(
                include(repositoryFields, repositoriesPath),
                exclude(repositoryFields, repositoriesPath));
    String tagsPath = path + ".tags";
    Map<String, Entry> tagFields = selector(fields.get("tags"), tagsPath, TAG_KEYS);
    TagSelector tags =
        tagFields == null
            ? TagSelector.ALL
            : new TagSelector(
                include(tagFields, tagsPath),
                exclude(tagFields, tagsPath),
                Optional.ofNullable(tagFields.get("untagged"))
                    .flatMap(e -> reader.bool(e.value(), tagsPath + ".untagged"))
                    .orElse(true));
    Optional<RetentionTemplate> template = Optional.empty();
    Entry retain = fields.get("retain");
    if (retain == null) {
      reader.error(node, path, "'retain' is missing: one of " + String.join(", ", TEMPLATE_KEYS));
    } else {
      template = template(retain.value(), path + ".retain");
    }
    if (reader.errorCount() > before || name.isEmpty() || template.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RetentionRule(name.get(), repositories, tags, template.get()));
  }

  private Optional<String> name(
      PolicyNode rule, Entry entry, String path, Map<String, PolicyNode> names) {
    if (entry == null) {
      reader.error(rule, path, "'name' is missing");
      return Optional.empty();
    }
    Optional<String> name = reader.string(entry.value(), path + ".name", 64);
    if (name.isEmpty()) {
      return name;
    }
    if (!Rule.validName(name.get())) {
      reader.error(
          entry.value(),
          path + ".name",
          "'"
              + name.get()
              + "' is not a rule name: a lower-case letter or digit, then up to 63 of a-z 0-9 . _"
              + " -");
      return Optional.empty();
    }
    PolicyNode first = names.putIfAbsent(name.get(), entry.value());
    if (first != null) {
      reader.error(
          entry.value(),
          path + ".name",
          "duplicate retention rule name '"
              + name.get()
              + "' (first at line "
              + first.line()
              + ")");
      return Optional.empty();
    }
    return name;
  }

  /** The keys of a selector; null when it is absent, or (after an error) not a mapping or empty. */
  private Map<String, Entry> selector(Entry entry, String path, List<String> keys) {
    if (entry == null) {
      return null;
    }
    Map<String, Entry> fields = reader.fields(entry.value(), path, keys);
    if (fields != null && fields.isEmpty()) {
      reader.error(
          entry.value(),
          path,
          "an empty selector selects everything: remove it, or give " + String.join(", ", keys));
      return null;
    }
    return fields;
  }

  private List<Glob> include(Map<String, Entry> selector, String path) {
    return reader.globs(
        selector.get("include"),
        path + ".include",
        "an empty list selects nothing: remove the key to select everything");
  }

  private List<Glob> exclude(Map<String, Entry> selector, String path) {
    return reader.globs(
        selector.get("exclude"),
        path + ".exclude",
        "an empty list excludes nothing: remove the key");
  }

  private Optional<RetentionTemplate> template(PolicyNode node, String path) {
    Map<String, Entry> fields = reader.fields(node, path, TEMPLATE_KEYS);
    if (fields == null) {
      return Optional.empty();
    }
    if (fields.size() != 1) {
      reader.error(
          node,
          path,
          (fields.isEmpty() ? "no template" : "templates " + String.join(", ", fields.keySet()))
              + ": a rule retains by exactly one of "
              + String.join(", ", TEMPLATE_KEYS)
              + " (several rules are OR'ed)");
      return Optional.empty();
    }
    Map.Entry<String, Entry> only = fields.entrySet().iterator().next();
    String key = only.getKey();
    PolicyNode value = only.getValue().value();
    String valuePath = path + "." + key;
    RetentionTemplate.Kind kind = KINDS.get(TEMPLATE_KEYS.indexOf(key));
    if (kind.counts() || kind.days()) {
      return amount(
              value,
              valuePath,
              kind.counts() ? RetentionTemplate.MAX_COUNT : RetentionTemplate.MAX_DAYS,
              kind.counts() ? "a count" : "a number of days")
          .map(n -> new RetentionTemplate(kind, n));
    }
    Optional<Boolean> always = reader.bool(value, valuePath);
    if (always.isPresent() && !always.get()) {
      reader.error(
          value,
          valuePath,
          "'always: false' retains nothing: choose another template or remove the rule");
      return Optional.empty();
    }
    return always.map(b -> RetentionTemplate.always());
  }

  private Optional<Integer> amount(PolicyNode node, String path, int max, String what) {
    OptionalLong value = reader.integer(node, path);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.getAsLong() < 1 || value.getAsLong() > max) {
      reader.error(node, path, what + " from 1 to " + max + ", not " + value.getAsLong());
      return Optional.empty();
    }
    return Optional.of((int) value.getAsLong());
  }
}

package io.wharf.oci.policy;

import io.wharf.oci.policy.PolicyDocument.Position;
import io.wharf.oci.policy.internal.JsonTrees;
import io.wharf.oci.policy.internal.Limits;
import io.wharf.oci.policy.internal.PolicyNode;
import io.wharf.oci.policy.internal.PolicyNode.Entry;
import io.wharf.oci.policy.internal.PolicyNode.Kind;
import io.wharf.oci.policy.internal.PolicyNode.Mapping;
import io.wharf.oci.policy.internal.PolicyNode.Scalar;
import io.wharf.oci.policy.internal.PolicyNode.Sequence;
import io.wharf.oci.policy.internal.Suggestions;
import io.wharf.oci.policy.internal.YamlTrees;
import io.wharf.oci.policy.retention.RetentionPolicy;
import io.wharf.oci.policy.vuln.Severity;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one policy document's tree into a {@link PolicyDocument}, collecting every error with its
 * line, column and field path. One instance reads one document.
 */
final class PolicyReader {

  private static final List<String> ROOT_KEYS =
      List.of("version", "rules", "allowlist", "projects");
  private static final List<String> RULE_KEYS =
      List.of("name", "match", "vulnerabilities", "signatures", "immutable");
  private static final List<String> MATCH_KEYS = List.of("projects", "repositories", "tags");
  private static final List<String> GATE_KEYS =
      List.of("severity", "fixableOnly", "maxReportAge", "missingReport", "allowlist");
  private static final List<String> ENTRY_KEYS = List.of("id", "expires", "reason");
  private static final List<String> PROJECT_KEYS = List.of("allowlist", "quota", "retention");
  private static final List<String> QUOTA_KEYS = List.of("bytes", "artifacts");
  private static final List<String> SEVERITIES =
      Arrays.stream(Severity.values()).map(Enum::name).toList();
  private static final List<String> MISSING = List.of("deny", "allow", "scan");

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");
  private static final Pattern SIZE =
      Pattern.compile("([0-9]{1,19})\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?");
  private static final Duration LONGEST_AGE = Duration.ofDays(3650);

  private final String source;
  private final List<PolicyError> errors = new ArrayList<>();
  private final Map<String, Position> positions = new HashMap<>();
  private final SignatureReader signatures;
  private final RetentionReader retention = new RetentionReader(this);

  /** A reader of a document named {@code source}, for another schema than this one's. */
  static PolicyReader forSource(String source, Optional<Path> base) {
    return new PolicyReader(source, base);
  }

  /** The errors found so far, in order. */
  List<PolicyError> errors() {
    return errors;
  }

  /** The document's name in errors. */
  String source() {
    return source;
  }

  private PolicyReader(String source, Optional<Path> base) {
    this.source = source;
    this.signatures = new SignatureReader(this, new PolicyFiles(base));
  }

  /**
   * Reads {@code text}: JSON when {@code source} ends in {@code .json} or (with any other name than
   * {@code .yaml}/{@code .yml}) the text starts with <code>{</code>, YAML otherwise.
   */
  static PolicyDocument read(String source, String text) throws PolicyException {
    return read(source, text, Optional.empty());
  }

  /**
   * Reads {@code text} as {@link #read(String, String)} does; the files it names (keys,
   * certificates, trust policies) resolve against {@code base} when they are relative.
   */
  static PolicyDocument read(String source, String text, Optional<Path> base)
      throws PolicyException {
    PolicyReader reader = new PolicyReader(source, base);
    if (text.length() > Limits.MAX_CHARS) {
      reader.error(1, 1, "", "the document is larger than " + Limits.MAX_CHARS + " characters");
      throw new PolicyException(reader.errors);
    }
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    PolicyNode.Tree tree = json(source, body) ? JsonTrees.read(body) : YamlTrees.read(body);
    for (PolicyNode.Problem problem : tree.problems()) {
      reader.error(problem.line(), problem.column(), problem.path(), problem.message());
    }
    if (tree.root().isEmpty()) {
      if (tree.problems().isEmpty()) {
        reader.error(1, 1, "", "the document is empty; it starts with 'version: 1'");
      }
      throw new PolicyException(reader.errors);
    }
    PolicyDocument document = reader.document(tree.root().get());
    if (!reader.errors.isEmpty()) {
      throw new PolicyException(reader.errors);
    }
    return document;
  }

  private static boolean json(String source, String text) {
    String name = source.toLowerCase(Locale.ROOT);
    if (name.endsWith(".json")) {
      return true;
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return false;
    }
    return text.stripLeading().startsWith("{");
  }

  // The schema

  private PolicyDocument document(PolicyNode root) {
    Map<String, Entry> fields = fields(root, "", ROOT_KEYS);
    if (fields == null) {
      return null;
    }
    Entry version = fields.get("version");
    if (version == null) {
      error(root, "", "'version' is missing; supported versions: " + PolicyDocument.VERSION);
    } else {
      OptionalLong value = integer(version.value(), "version");
      if (value.isPresent() && value.getAsLong() != PolicyDocument.VERSION) {
        error(
            version.value(),
            "version",
            "unsupported version "
                + value.getAsLong()
                + "; supported versions: "
                + PolicyDocument.VERSION);
      }
    }
    List<Rule> rules = rules(fields.get("rules"));
    List<AllowlistEntry> allowlist = allowlist(fields.get("allowlist"), "allowlist");
    Map<String, ProjectSettings> projects = projects(fields.get("projects"));
    if (!errors.isEmpty()) {
      return null;
    }
    return new PolicyDocument(source, rules, allowlist, projects, positions);
  }

  private List<Rule> rules(Entry entry) {
    List<Rule> rules = new ArrayList<>();
    List<PolicyNode> items = items(entry, "rules", Limits.MAX_RULES);
    Map<String, PolicyNode> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String path = "rules[" + i + "]";
      PolicyNode node = items.get(i);
      Map<String, Entry> fields = fields(node, path, RULE_KEYS);
      if (fields == null) {
        continue;
      }
      Optional<String> name = Optional.empty();
      Entry nameEntry = fields.get("name");
      if (nameEntry == null) {
        error(node, path, "'name' is missing");
      } else {
        name = string(nameEntry.value(), path + ".name", 64);
        if (name.isPresent() && !Rule.validName(name.get())) {
          error(
              nameEntry.value(),
              path + ".name",
              "'"
                  + name.get()
                  + "' is not a rule name: a lower-case letter or digit, then up to 63 of"
                  + " a-z 0-9 . _ -");
          name = Optional.empty();
        }
        if (name.isPresent()) {
          PolicyNode first = seen.putIfAbsent(name.get(), nameEntry.value());
          if (first != null) {
            error(
                nameEntry.value(),
                path + ".name",
                "duplicate rule name '" + name.get() + "' (first at line " + first.line() + ")");
          }
          positions.putIfAbsent(
              "rules." + name.get(),
              new Position(nameEntry.value().line(), nameEntry.value().column()));
        }
      }
      RuleMatch match = match(fields.get("match"), path + ".match");
      Optional<VulnerabilityRule> gate = gate(fields.get("vulnerabilities"), path);
      Entry signaturesEntry = fields.get("signatures");
      Optional<SignatureRule> required =
          signaturesEntry == null
              ? Optional.empty()
              : signatures.read(signaturesEntry, path + ".signatures");
      boolean immutable = false;
      Entry immutableEntry = fields.get("immutable");
      if (immutableEntry != null) {
        immutable = bool(immutableEntry.value(), path + ".immutable").orElse(true);
      }
      boolean judgesPulls = fields.get("vulnerabilities") != null || signaturesEntry != null;
      if (!judgesPulls && !immutable && immutableEntry == null) {
        error(node, path, "a rule has 'vulnerabilities', 'signatures', 'immutable: true' or more");
      } else if (!judgesPulls && !immutable) {
        error(
            immutableEntry.value(),
            path + ".immutable",
            "a rule without 'vulnerabilities' or 'signatures' is 'immutable: true'");
      }
      if (name.isPresent()
          && match != null
          && (gate.isPresent() || required.isPresent() || immutable)
          && errors.isEmpty()) {
        rules.add(new Rule(name.get(), match, gate, required, immutable));
      }
    }
    return rules;
  }

  private RuleMatch match(Entry entry, String path) {
    if (entry == null) {
      return RuleMatch.ALL;
    }
    Map<String, Entry> fields = fields(entry.value(), path, MATCH_KEYS);
    if (fields == null) {
      return null;
    }
    if (((Mapping) entry.value()).entries().isEmpty()) {
      error(entry.value(), path, "an empty 'match' matches everything: remove it");
      return null;
    }
    return new RuleMatch(
        globs(fields.get("projects"), path + ".projects"),
        globs(fields.get("repositories"), path + ".repositories"),
        globs(fields.get("tags"), path + ".tags"));
  }

  private List<Glob> globs(Entry entry, String path) {
    return globs(entry, path, "an empty list matches nothing: remove the key to match all");
  }

  /** The patterns of {@code entry}, a list; {@code empty} is the error for an empty list. */
  List<Glob> globs(Entry entry, String path, String empty) {
    if (entry == null) {
      return List.of();
    }
    List<PolicyNode> items = items(entry, path, Limits.MAX_PATTERNS);
    if (items.isEmpty() && entry.value() instanceof Sequence) {
      error(entry.value(), path, empty);
    }
    List<Glob> globs = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + "[" + i + "]";
      PolicyNode item = items.get(i);
      Optional<String> text = string(item, itemPath, Glob.MAX_LENGTH);
      if (text.isEmpty()) {
        continue;
      }
      try {
        globs.add(Glob.compile(text.get()));
      } catch (GlobSyntaxException e) {
        Scalar scalar = (Scalar) item;
        int column = scalar.column() + (scalar.quoted() ? 1 : 0) + e.index();
        error(
            item.line(),
            column,
            itemPath,
            e.problem() + " at index " + e.index() + " of pattern '" + text.get() + "'");
      }
    }
    return globs;
  }

  private Optional<VulnerabilityRule> gate(Entry entry, String rulePath) {
    if (entry == null) {
      return Optional.empty();
    }
    String path = rulePath + ".vulnerabilities";
    Map<String, Entry> fields = fields(entry.value(), path, GATE_KEYS);
    if (fields == null) {
      return Optional.empty();
    }
    Optional<Severity> severity = Optional.empty();
    Entry severityEntry = fields.get("severity");
    if (severityEntry == null) {
      error(entry.value(), path, "'severity' is missing: one of " + String.join(", ", SEVERITIES));
    } else {
      severity =
          word(severityEntry.value(), path + ".severity", SEVERITIES)
              .map(s -> Severity.valueOf(s.toUpperCase(Locale.ROOT)));
    }
    boolean fixableOnly =
        Optional.ofNullable(fields.get("fixableOnly"))
            .flatMap(e -> bool(e.value(), path + ".fixableOnly"))
            .orElse(false);
    Optional<Duration> age =
        Optional.ofNullable(fields.get("maxReportAge"))
            .flatMap(e -> duration(e.value(), path + ".maxReportAge"));
    MissingReport missing =
        Optional.ofNullable(fields.get("missingReport"))
            .flatMap(e -> word(e.value(), path + ".missingReport", MISSING))
            .map(s -> MissingReport.valueOf(s.toUpperCase(Locale.ROOT)))
            .orElse(MissingReport.DENY);
    List<AllowlistEntry> allowlist = allowlist(fields.get("allowlist"), path + ".allowlist");
    if (severity.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new VulnerabilityRule(severity.get(), fixableOnly, age, missing, allowlist));
  }

  private List<AllowlistEntry> allowlist(Entry entry, String path) {
    List<AllowlistEntry> entries = new ArrayList<>();
    Map<String, PolicyNode> seen = new HashMap<>();
    List<PolicyNode> items = items(entry, path, Limits.MAX_ALLOWLIST);
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + "[" + i + "]";
      PolicyNode item = items.get(i);
      Map<String, Entry> fields = fields(item, itemPath, ENTRY_KEYS);
      if (fields == null) {
        continue;
      }
      Entry idEntry = fields.get("id");
      Optional<String> id = Optional.empty();
      if (idEntry == null) {
        error(item, itemPath, "'id' is missing, e.g. 'id: CVE-2024-3094'");
      } else {
        id = string(idEntry.value(), itemPath + ".id", 128);
        try {
          id.ifPresent(AllowlistEntry::of);
        } catch (IllegalArgumentException e) {
          error(idEntry.value(), itemPath + ".id", e.getMessage());
          id = Optional.empty();
        }
      }
      Optional<Instant> expires =
          Optional.ofNullable(fields.get("expires"))
              .flatMap(e -> instant(e.value(), itemPath + ".expires"));
      Optional<String> reason =
          Optional.ofNullable(fields.get("reason"))
              .flatMap(e -> oneLine(e.value(), itemPath + ".reason"));
      if (id.isPresent()) {
        String key = id.get().toUpperCase(Locale.ROOT);
        PolicyNode first = seen.putIfAbsent(key, idEntry.value());
        if (first != null) {
          error(
              idEntry.value(),
              itemPath + ".id",
              "duplicate entry for " + id.get() + " (first at line " + first.line() + ")");
        }
        entries.add(new AllowlistEntry(id.get(), expires, reason));
      }
    }
    return entries;
  }

  private Map<String, ProjectSettings> projects(Entry entry) {
    Map<String, ProjectSettings> projects = new LinkedHashMap<>();
    if (entry == null) {
      return projects;
    }
    if (!(entry.value() instanceof Mapping)) {
      error(entry.value(), "projects", "expected a mapping of project names to their settings");
      return projects;
    }
    List<Entry> entries = ((Mapping) entry.value()).entries();
    if (entries.size() > Limits.MAX_PROJECTS) {
      error(entry.value(), "projects", "more than " + Limits.MAX_PROJECTS + " projects");
      return projects;
    }
    Map<String, Entry> seen = new HashMap<>();
    for (Entry project : entries) {
      String path = "projects." + project.key();
      Entry first = seen.putIfAbsent(project.key(), project);
      if (first != null) {
        error(
            project.line(),
            project.column(),
            path,
            "duplicate project (first at line " + first.line() + ")");
        continue;
      }
      if (!PolicyDocument.validProject(project.key())) {
        error(
            project.line(),
            project.column(),
            path,
            "'"
                + project.key()
                + "' is not a project name: lower-case letters and digits, separated by . _ __ or"
                + " -");
        continue;
      }
      positions.put(path, new Position(project.line(), project.column()));
      Map<String, Entry> fields = fields(project.value(), path, PROJECT_KEYS);
      if (fields == null) {
        continue;
      }
      List<AllowlistEntry> allowlist = allowlist(fields.get("allowlist"), path + ".allowlist");
      Optional<QuotaLimit> quota =
          Optional.ofNullable(fields.get("quota")).flatMap(e -> quota(e.value(), path + ".quota"));
      Optional<RetentionPolicy> retentionPolicy =
          Optional.ofNullable(fields.get("retention"))
              .flatMap(e -> retention.read(e.value(), path + ".retention"));
      projects.put(project.key(), new ProjectSettings(allowlist, quota, retentionPolicy));
    }
    return projects;
  }

  private Optional<QuotaLimit> quota(PolicyNode node, String path) {
    Map<String, Entry> fields = fields(node, path, QUOTA_KEYS);
    if (fields == null) {
      return Optional.empty();
    }
    if (fields.isEmpty()) {
      error(node, path, "a quota has 'bytes', 'artifacts' or both");
      return Optional.empty();
    }
    OptionalLong bytes =
        fields.containsKey("bytes")
            ? size(fields.get("bytes").value(), path + ".bytes")
            : OptionalLong.empty();
    OptionalLong artifacts = OptionalLong.empty();
    if (fields.containsKey("artifacts")) {
      artifacts = integer(fields.get("artifacts").value(), path + ".artifacts");
      if (artifacts.isPresent() && artifacts.getAsLong() < 0) {
        error(fields.get("artifacts").value(), path + ".artifacts", "a count is not negative");
        artifacts = OptionalLong.empty();
      }
    }
    return bytes.isEmpty() && artifacts.isEmpty()
        ? Optional.empty()
        : Optional.of(new QuotaLimit(bytes, artifacts));
  }

  // Values

  /** The entries of a mapping, checking duplicate and unknown keys; null when not a mapping. */
  Map<String, Entry> fields(PolicyNode node, String path, List<String> known) {
    if (!(node instanceof Mapping)) {
      error(node, path, "expected a mapping with " + String.join(", ", known));
      return null;
    }
    Map<String, Entry> fields = new LinkedHashMap<>();
    for (Entry entry : ((Mapping) node).entries()) {
      String keyPath = path.isEmpty() ? entry.key() : path + "." + entry.key();
      if (!known.contains(entry.key())) {
        Optional<String> hint = Suggestions.closest(entry.key(), known);
        error(
            entry.line(),
            entry.column(),
            keyPath,
            "unknown key '"
                + clip(entry.key())
                + "'"
                + hint.map(h -> "; did you mean '" + h + "'?")
                    .orElse("; known keys: " + String.join(", ", known)));
        continue;
      }
      Entry first = fields.putIfAbsent(entry.key(), entry);
      if (first != null) {
        error(
            entry.line(),
            entry.column(),
            keyPath,
            "duplicate key '" + entry.key() + "' (first at line " + first.line() + ")");
      }
    }
    return fields;
  }

  List<PolicyNode> items(Entry entry, String path, int max) {
    if (entry == null) {
      return List.of();
    }
    if (!(entry.value() instanceof Sequence)) {
      error(entry.value(), path, "expected a list");
      return List.of();
    }
    List<PolicyNode> items = ((Sequence) entry.value()).items();
    if (items.size() > max) {
      error(entry.value(), path, "more than " + max + " entries");
      return List.of();
    }
    return items;
  }

  Optional<String> string(PolicyNode node, String path, int maxLength) {
    if (!(node instanceof Scalar) || ((Scalar) node).kind() == Kind.NULL) {
      error(node, path, "expected a string");
      return Optional.empty();
    }
    String text = ((Scalar) node).text();
    if (text.isEmpty()) {
      error(node, path, "is empty");
      return Optional.empty();
    }
    if (text.length() > maxLength) {
      error(node, path, "longer than " + maxLength + " characters");
      return Optional.empty();
    }
    return Optional.of(text);
  }

  private Optional<String> oneLine(PolicyNode node, String path) {
    Optional<String> text = string(node, path, Limits.MAX_STRING);
    if (text.isPresent() && (text.get().indexOf('\n') >= 0 || text.get().indexOf('\r') >= 0)) {
      error(node, path, "is one line");
      return Optional.empty();
    }
    return text;
  }

  /** One of {@code words}, case aside; the word as listed. */
  Optional<String> word(PolicyNode node, String path, List<String> words) {
    Optional<String> text = string(node, path, 64);
    if (text.isEmpty()) {
      return text;
    }
    for (String word : words) {
      if (word.equalsIgnoreCase(text.get())) {
        return Optional.of(word);
      }
    }
    Optional<String> hint = Suggestions.closest(text.get(), words);
    error(
        node,
        path,
        "'"
            + clip(text.get())
            + "' is not one of "
            + String.join(", ", words)
            + hint.map(h -> "; did you mean '" + h + "'?").orElse(""));
    return Optional.empty();
  }

  Optional<Boolean> bool(PolicyNode node, String path) {
    if (node instanceof Scalar && ((Scalar) node).kind() == Kind.BOOLEAN) {
      String text = ((Scalar) node).text().toLowerCase(Locale.ROOT);
      if (text.equals("true") || text.equals("false")) {
        return Optional.of(text.equals("true"));
      }
    }
    error(node, path, "expected true or false");
    return Optional.empty();
  }

  OptionalLong integer(PolicyNode node, String path) {
    if (node instanceof Scalar && ((Scalar) node).kind() == Kind.INTEGER) {
      try {
        return OptionalLong.of(Long.parseLong(((Scalar) node).text()));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    error(node, path, "expected a whole number");
    return OptionalLong.empty();
  }

  private Optional<Duration> duration(PolicyNode node, String path) {
    Optional<String> text = string(node, path, 16);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = DURATION.matcher(text.get());
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      Duration duration;
      switch (m.group(2)) {
        case "s":
          duration = Duration.ofSeconds(amount);
          break;
        case "m":
          duration = Duration.ofMinutes(amount);
          break;
        case "h":
          duration = Duration.ofHours(amount);
          break;
        default:
          duration = Duration.ofDays(amount);
      }
      if (!duration.isZero() && duration.compareTo(LONGEST_AGE) <= 0) {
        return Optional.of(duration);
      }
      error(node, path, "a duration is more than 0 and at most 3650d");
      return Optional.empty();
    }
    error(node, path, "'" + clip(text.get()) + "' is not a duration such as 30s, 15m, 12h or 7d");
    return Optional.empty();
  }

  private OptionalLong size(PolicyNode node, String path) {
    if (node instanceof Scalar && ((Scalar) node).kind() == Kind.INTEGER) {
      OptionalLong bytes = integer(node, path);
      if (bytes.isPresent() && bytes.getAsLong() < 0) {
        error(node, path, "a size is not negative");
        return OptionalLong.empty();
      }
      return bytes;
    }
    Optional<String> text = string(node, path, 32);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    Matcher m = SIZE.matcher(text.get());
    if (m.matches()) {
      try {
        long amount = Long.parseLong(m.group(1));
        return OptionalLong.of(Math.multiplyExact(amount, unit(m.group(2))));
      } catch (ArithmeticException | NumberFormatException e) {
        error(node, path, "'" + text.get() + "' is more bytes than a quota can count");
        return OptionalLong.empty();
      }
    }
    error(
        node,
        path,
        "'"
            + clip(text.get())
            + "' is not a size: a whole number, then B, KB, MB, GB, TB (powers of 1000) or KiB,"
            + " MiB, GiB, TiB (powers of 1024)");
    return OptionalLong.empty();
  }

  private static long unit(String unit) {
    if (unit == null) {
      return 1;
    }
    switch (unit) {
      case "KB":
        return 1000L;
      case "MB":
        return 1000L * 1000;
      case "GB":
        return 1000L * 1000 * 1000;
      case "TB":
        return 1000L * 1000 * 1000 * 1000;
      case "KiB":
        return 1L << 10;
      case "MiB":
        return 1L << 20;
      case "GiB":
        return 1L << 30;
      case "TiB":
        return 1L << 40;
      default:
        return 1;
    }
  }

  private Optional<Instant> instant(PolicyNode node, String path) {
    Optional<String> text = string(node, path, 64);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (text.get().length() == 10) {
        return Optional.of(AllowlistEntry.endOf(LocalDate.parse(text.get())));
      }
      return Optional.of(OffsetDateTime.parse(text.get()).toInstant());
    } catch (DateTimeException e) {
      error(
          node,
          path,
          "'"
              + clip(text.get())
              + "' is not a date (2027-01-31, through the end of that day UTC) or an instant"
              + " (2027-01-31T12:00:00Z)");
      return Optional.empty();
    }
  }

  private static String clip(String text) {
    String flat = text.replace('\n', ' ').replace('\r', ' ');
    return flat.length() <= 64 ? flat : flat.substring(0, 61) + "...";
  }

  void error(PolicyNode node, String path, String message) {
    error(node.line(), node.column(), path, message);
  }

  void error(int line, int column, String path, String message) {
    errors.add(new PolicyError(source, line, column, path, message));
  }

  /** How many errors were found so far. */
  int errorCount() {
    return errors.size();
  }
}

package io.wharf.oci.auth;

import io.wharf.oci.model.error.OciException;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.server.Access;
import io.wharf.oci.server.Action;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One resource scope of the Docker token specification (distribution's {@code scope.md}):
 *
 * <pre>
 * resourcescope     := resourcetype ":" resourcename ":" action [ ',' action ]*
 * resourcetype      := resourcetypevalue [ '(' resourcetypevalue ')' ]
 * resourcetypevalue := /[a-z0-9]+/
 * action            := /[a-z]*&#47; | '*'
 * </pre>
 *
 * The name may contain {@code :} (a host with a port), so the type ends at the first colon and the
 * actions begin after the last one. {@link #parse} never throws: a malformed scope is empty, and
 * unknown types and actions are kept here and ignored by {@link #accesses()}, as distribution's
 * token servers ignore them. Scopes arrive space-separated in one parameter or in several ({@link
 * #parseAll}).
 *
 * @param type the resource type, such as {@code repository} or {@code registry}
 * @param resourceClass the resource class, such as {@code plugin} in {@code repository(plugin)}
 * @param name the resource name: a repository name, or {@code catalog}
 * @param actions the actions asked, in order, without repeats or empty entries
 */
record TokenScope(String type, Optional<String> resourceClass, String name, List<String> actions) {

  /** The longest scope read; a longer one is refused. */
  static final int MAX_SCOPE_LENGTH = 1024;

  /** The most scopes in one token request. */
  static final int MAX_SCOPES = 64;

  /** The longest query or form value holding scopes. */
  static final int MAX_SCOPE_PARAMETER_LENGTH = 16 * 1024;

  private static final Pattern TYPE_VALUE = Pattern.compile("[a-z0-9]+");
  private static final Pattern ACTION = Pattern.compile("[a-z]*|\\*");
  private static final List<Action> REPOSITORY_ACTIONS =
      List.of(Action.PULL, Action.PUSH, Action.DELETE);

  /** Checks the parts against the grammar. */
  TokenScope {
    if (!TYPE_VALUE.matcher(type).matches()) {
      throw new IllegalArgumentException("a resource type is [a-z0-9]+");
    }
    resourceClass.ifPresent(
        c -> {
          if (!TYPE_VALUE.matcher(c).matches()) {
            throw new IllegalArgumentException("a resource class is [a-z0-9]+");
          }
        });
    if (name.isEmpty() || name.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("a resource name is not empty and has no space");
    }
    actions = List.copyOf(actions);
    for (String action : actions) {
      if (action.isEmpty() || !ACTION.matcher(action).matches()) {
        throw new IllegalArgumentException("an action is [a-z]+ or *");
      }
    }
    if (Set.copyOf(actions).size() != actions.size()) {
      throw new IllegalArgumentException("an action is named once");
    }
  }

  /** Too many scopes, or one too long: the request is refused (400). */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The scope {@code text}, or empty when it does not follow the grammar. Empty actions are dropped
   * and repeated ones kept once; a scope without any action is still a scope (it grants nothing).
   */
  static Optional<TokenScope> parse(String text) {
    if (text.length() > MAX_SCOPE_LENGTH) {
      return Optional.empty();
    }
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first <= 0 || last == first) {
      return Optional.empty();
    }
    String typePart = text.substring(0, first);
    String name = text.substring(first + 1, last);
    String type = typePart;
    Optional<String> resourceClass = Optional.empty();
    int open = typePart.indexOf('(');
    if (open >= 0) {
      if (!typePart.endsWith(")") || open == 0) {
        return Optional.empty();
      }
      type = typePart.substring(0, open);
      resourceClass = Optional.of(typePart.substring(open + 1, typePart.length() - 1));
    }
    if (!TYPE_VALUE.matcher(type).matches()
        || resourceClass.map(c -> !TYPE_VALUE.matcher(c).matches()).orElse(false)
        || name.isEmpty()
        || name.indexOf(' ') >= 0) {
      return Optional.empty();
    }
    List<String> actions = new ArrayList<>();
    for (String action : text.substring(last + 1).split(",", -1)) {
      if (!ACTION.matcher(action).matches()) {
        return Optional.empty();
      }
      if (!action.isEmpty() && !actions.contains(action)) {
        actions.add(action);
      }
    }
    return Optional.of(new TokenScope(type, resourceClass, name, actions));
  }

  /**
   * Every scope of {@code parameters}, each of which may hold several separated by spaces;
   * malformed ones are skipped.
   *
   * @throws TooLarge for more than {@value #MAX_SCOPES} scopes, a scope longer than {@value
   *     #MAX_SCOPE_LENGTH} characters or a parameter longer than {@value
   *     #MAX_SCOPE_PARAMETER_LENGTH}
   */
  static List<TokenScope> parseAll(List<String> parameters) throws TooLarge {
    List<TokenScope> scopes = new ArrayList<>();
    int count = 0;
    for (String parameter : parameters) {
      if (parameter.length() > MAX_SCOPE_PARAMETER_LENGTH) {
        throw new TooLarge("a scope parameter is longer than " + MAX_SCOPE_PARAMETER_LENGTH);
      }
      for (String text : parameter.split(" ")) {
        if (text.isEmpty()) {
          continue;
        }
        if (++count > MAX_SCOPES) {
          throw new TooLarge("more than " + MAX_SCOPES + " scopes");
        }
        if (text.length() > MAX_SCOPE_LENGTH) {
          throw new TooLarge("a scope is longer than " + MAX_SCOPE_LENGTH + " characters");
        }
        parse(text).ifPresent(scopes::add);
      }
    }
    return scopes;
  }

  /**
   * The engine's accesses this scope asks for: {@code pull}, {@code push} and {@code delete} on a
   * valid repository name ({@code *} is all three) for type {@code repository} of any class, and
   * {@link Action#CATALOG} for {@code registry:catalog:*}. Anything else asks for nothing: unknown
   * types and actions, and names that are not repository names ({@code ..}, {@code %2F}, upper
   * case, control characters).
   */
  List<Access> accesses() {
    if (type.equals("registry")) {
      return name.equals("catalog") && actions.contains("*") && resourceClass.isEmpty()
          ? List.of(Access.catalog())
          : List.of();
    }
    if (!type.equals("repository")) {
      return List.of();
    }
    Optional<RepositoryName> repository = repositoryName(name);
    if (repository.isEmpty()) {
      return List.of();
    }
    Set<Action> wanted = EnumSet.noneOf(Action.class);
    for (String action : actions) {
      switch (action) {
        case "pull" -> wanted.add(Action.PULL);
        case "push" -> wanted.add(Action.PUSH);
        case "delete" -> wanted.add(Action.DELETE);
        case "*" -> wanted.addAll(REPOSITORY_ACTIONS);
        default -> {}
      }
    }
    List<Access> accesses = new ArrayList<>(wanted.size());
    for (Action action : wanted) {
      accesses.add(Access.of(action, repository.get()));
    }
    return accesses;
  }

  /** {@code name} as a repository name, if it is one. */
  static Optional<RepositoryName> repositoryName(String name) {
    try {
      return Optional.of(RepositoryName.of(name));
    } catch (OciException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The scopes that grant {@code accesses} in canonical form, one per resource in the order first
   * met, with actions in the order pull, push, delete; the catalog as {@code registry:catalog:*}.
   * Repository scopes keep the class of the scope that asked ({@code plugin}) when {@code classes}
   * names one.
   */
  static List<TokenScope> granting(
      List<Access> accesses, Map<RepositoryName, Optional<String>> classes) {
    Map<Optional<RepositoryName>, Set<Action>> byResource = new LinkedHashMap<>();
    for (Access access : accesses) {
      byResource
          .computeIfAbsent(access.repository(), r -> EnumSet.noneOf(Action.class))
          .add(access.action());
    }
    List<TokenScope> scopes = new ArrayList<>(byResource.size());
    byResource.forEach(
        (repository, actions) -> {
          if (repository.isEmpty()) {
            if (actions.contains(Action.CATALOG)) {
              scopes.add(new TokenScope("registry", Optional.empty(), "catalog", List.of("*")));
            }
            return;
          }
          List<String> names = new ArrayList<>(actions.size());
          for (Action action : REPOSITORY_ACTIONS) {
            if (actions.contains(action)) {
              names.add(action.scopeName());
            }
          }
          scopes.add(
              new TokenScope(
                  "repository",
                  classes.getOrDefault(repository.get(), Optional.empty()),
                  repository.get().value(),
                  names));
        });
    return scopes;
  }

  /** The canonical form: {@code type[(class)]:name:action,action}. */
  @Override
  public String toString() {
    return type
        + resourceClass.map(c -> "(" + c + ")").orElse("")
        + ":"
        + name
        + ":"
        + String.join(",", actions);
  }

  /** This scope as an entry of a token's {@code access} claim. */
  Map<String, Object> claim() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("type", type);
    resourceClass.ifPresent(c -> entry.put("class", c));
    entry.put("name", name);
    entry.put("actions", actions);
    return entry;
  }

  /**
   * The engine's accesses an {@code access} claim grants (distribution's {@code ResourceActions}:
   * {@code type}, {@code class}, {@code name}, {@code actions}), {@code *} expanded; malformed
   * entries grant nothing.
   */
  static Set<Access> fromClaim(List<?> claim) {
    Set<Access> granted = new java.util.HashSet<>();
    for (Object entry : claim) {
      if (!(entry instanceof Map<?, ?> map)
          || !(map.get("type") instanceof String type)
          || !(map.get("name") instanceof String name)
          || !(map.get("actions") instanceof List<?> actions)) {
        continue;
      }
      List<String> names = new ArrayList<>(actions.size());
      for (Object action : actions) {
        if (action instanceof String s
            && !s.isEmpty()
            && ACTION.matcher(s).matches()
            && !names.contains(s)) {
          names.add(s);
        }
      }
      if (!TYPE_VALUE.matcher(type).matches() || name.isEmpty() || name.indexOf(' ') >= 0) {
        continue;
      }
      granted.addAll(new TokenScope(type, Optional.empty(), name, names).accesses());
    }
    return granted;
  }

  /** The scopes' canonical forms. */
  static List<String> strings(List<TokenScope> scopes) {
    List<String> strings = new ArrayList<>(scopes.size());
    for (TokenScope scope : scopes) {
      strings.add(scope.toString());
    }
    return strings;
  }
}

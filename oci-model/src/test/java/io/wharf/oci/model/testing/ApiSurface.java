package io.wharf.oci.model.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks a module's exported API (CONVENTIONS.md 7): which packages {@code module-info} exports,
 * and that no public or protected signature of a public type in them names a third-party type.
 * Every module's {@code ApiSurfaceTest} uses it, so the rule is written once.
 */
public final class ApiSurface {

  /** Type-name prefixes that must never appear in an exported signature. */
  public static final List<String> BANNED =
      List.of("com.fasterxml", "com.google.common", "org.apache.hc", "org.bouncycastle");

  private final Class<?> anchor;
  private final Path classes;

  private ApiSurface(Class<?> anchor) throws URISyntaxException {
    this.anchor = anchor;
    this.classes = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The API of the module whose compiled classes hold {@code anchor}. */
  public static ApiSurface of(Class<?> anchor) {
    try {
      return new ApiSurface(anchor);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The packages {@code module-info.class} exports (read from the class file, so also on the
   * classpath).
   */
  public Set<String> exportedPackages() throws IOException {
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      return ModuleDescriptor.read(in).exports().stream()
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** The public types of the exported packages. */
  public List<Class<?>> exportedTypes() throws IOException {
    Set<String> exported = exportedPackages();
    List<Class<?>> result = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String rel = classes.relativize(p).toString().replace('/', '.').replace('\\', '.');
        if (!rel.endsWith(".class") || rel.equals("module-info.class")) {
          continue;
        }
        String className = rel.substring(0, rel.length() - ".class".length());
        String pkg = className.substring(0, className.lastIndexOf('.'));
        if (!exported.contains(pkg) || className.endsWith("package-info")) {
          continue;
        }
        try {
          Class<?> c = Class.forName(className, false, anchor.getClassLoader());
          if (Modifier.isPublic(c.getModifiers())) {
            result.add(c);
          }
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return result;
  }

  /** Every place an exported signature names a {@linkplain #BANNED banned} type. */
  public List<String> violations() throws IOException {
    return violations(List.of());
  }

  /**
   * Every place an exported signature names a {@linkplain #BANNED banned} type or one whose name
   * starts with any of {@code alsoBanned} (a module's own unexported packages, say).
   */
  public List<String> violations(List<String> alsoBanned) throws IOException {
    List<String> banned = new ArrayList<>(BANNED);
    banned.addAll(alsoBanned);
    List<String> violations = new ArrayList<>();
    for (Class<?> type : exportedTypes()) {
      check(type.getGenericSuperclass(), type + " extends", banned, violations);
      for (Type i : type.getGenericInterfaces()) {
        check(i, type + " implements", banned, violations);
      }
      for (Method m : type.getDeclaredMethods()) {
        if (isApi(m.getModifiers()) && !m.isSynthetic()) {
          checkExecutable(m, banned, violations);
          check(m.getGenericReturnType(), m.toString(), banned, violations);
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (isApi(c.getModifiers())) {
          checkExecutable(c, banned, violations);
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (isApi(f.getModifiers())) {
          check(f.getGenericType(), f.toString(), banned, violations);
        }
      }
    }
    return violations;
  }

  private static boolean isApi(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void checkExecutable(Executable e, List<String> banned, List<String> violations) {
    for (Type p : e.getGenericParameterTypes()) {
      check(p, e.toString(), banned, violations);
    }
    for (Type x : e.getGenericExceptionTypes()) {
      check(x, e.toString(), banned, violations);
    }
  }

  private static void check(
      Type type, String where, List<String> bannedPrefixes, List<String> violations) {
    if (type == null) {
      return;
    }
    String name = type.getTypeName();
    for (String banned : bannedPrefixes) {
      if (name.contains(banned)) {
        violations.add(where + " uses " + name);
      }
    }
  }
}

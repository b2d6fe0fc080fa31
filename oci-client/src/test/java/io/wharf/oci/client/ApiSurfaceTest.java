package io.wharf.oci.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No third-party type appears in the exported API (CONVENTIONS.md 7): every public or protected
 * signature of every public type in an exported package uses JDK and Wharf types only; HttpClient
 * and Jackson stay in the unexported {@code io.wharf.oci.client.internal}.
 */
class ApiSurfaceTest {

  private static final Set<String> EXPORTED =
      Set.of("io.wharf.oci.client", "io.wharf.oci.client.auth");
  private static final List<String> BANNED =
      List.of("com.fasterxml", "com.google.common", "org.apache.hc", "org.bouncycastle");

  @Test
  void moduleExportsExactlyTheApiPackages() {
    Module module = RegistryClient.class.getModule();
    if (module.isNamed()) {
      assertThat(module.getDescriptor().exports())
          .extracting(e -> e.source())
          .containsExactlyInAnyOrderElementsOf(EXPORTED);
    }
  }

  @Test
  void exportedSignaturesUseNoThirdPartyTypes() throws Exception {
    List<String> violations = new ArrayList<>();
    for (Class<?> type : exportedTypes()) {
      check(type.getGenericSuperclass(), type + " extends", violations);
      for (Type i : type.getGenericInterfaces()) {
        check(i, type + " implements", violations);
      }
      for (Method m : type.getDeclaredMethods()) {
        if (isApi(m.getModifiers()) && !m.isSynthetic()) {
          checkExecutable(m, violations);
          check(m.getGenericReturnType(), m.toString(), violations);
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (isApi(c.getModifiers())) {
          checkExecutable(c, violations);
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (isApi(f.getModifiers())) {
          check(f.getGenericType(), f.toString(), violations);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  private static boolean isApi(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void checkExecutable(Executable e, List<String> violations) {
    for (Type p : e.getGenericParameterTypes()) {
      check(p, e.toString(), violations);
    }
    for (Type x : e.getGenericExceptionTypes()) {
      check(x, e.toString(), violations);
    }
  }

  private static void check(Type type, String where, List<String> violations) {
    if (type == null) {
      return;
    }
    String name = type.getTypeName();
    for (String banned : BANNED) {
      if (name.contains(banned)) {
        violations.add(where + " uses " + name);
      }
    }
  }

  private static List<Class<?>> exportedTypes() throws IOException, URISyntaxException {
    Path classes =
        Path.of(RegistryClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> result = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String rel = classes.relativize(p).toString().replace('/', '.').replace('\\', '.');
        if (!rel.endsWith(".class") || rel.equals("module-info.class")) {
          continue;
        }
        String className = rel.substring(0, rel.length() - ".class".length());
        String pkg = className.substring(0, className.lastIndexOf('.'));
        if (!EXPORTED.contains(pkg) || className.endsWith("package-info")) {
          continue;
        }
        try {
          Class<?> c = Class.forName(className, false, RegistryClient.class.getClassLoader());
          if (Modifier.isPublic(c.getModifiers())) {
            result.add(c);
          }
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    assertThat(result).hasSizeGreaterThan(10);
    return result;
  }
}

package io.wharf.benchmarks.oras;

import land.oras.ContainerRef;
import land.oras.CopyUtils;
import land.oras.LayoutRef;
import land.oras.OCILayout;
import land.oras.Registry;
import java.nio.file.Path;

/**
 * Copies like {@code wharf copy} with oras-java (parallelism 4): {@code OrasCopy HOST/REPO:TAG
 * HOST/REPO:TAG} between plain-HTTP registries, or {@code OrasCopy HOST/REPO:TAG oci:DIR:TAG} into
 * an OCI layout.
 */
public final class OrasCopy {

  private OrasCopy() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: OrasCopy HOST/REPO:TAG (HOST/REPO:TAG | oci:DIR:TAG)");
      System.exit(2);
    }
    Registry registry = Registry.builder().insecure().withParallelism(4).build();
    ContainerRef source = ContainerRef.parse(args[0]);
    if (args[1].startsWith("oci:")) {
      String rest = args[1].substring("oci:".length());
      int colon = rest.indexOf(':');
      Path dir = Path.of(colon < 0 ? rest : rest.substring(0, colon));
      OCILayout layout = OCILayout.builder().defaults(dir).build();
      LayoutRef target = LayoutRef.parse(rest);
      CopyUtils.copy(registry, source, layout, target, false);
    } else {
      CopyUtils.copy(registry, source, registry, ContainerRef.parse(args[1]), false);
    }
    // oras-java's transfer threads are not daemons: the JVM would stay up after the copy.
    System.exit(0);
  }
}

/**
 * The policy engine: pure decision logic over facts about OCI content. Policies are read from
 * versioned documents; facts come in through a read-only {@link io.wharf.oci.policy.PolicyContext}
 * that a registry implements over its stores and a client over a remote registry; a {@link
 * io.wharf.oci.policy.Decision} with every reason comes out. Jackson and SnakeYAML are used inside
 * only. The one I/O client, {@code io.wharf.oci.policy.scanner}, speaks Harbor's Pluggable Scanner
 * API with the JDK's HTTP client.
 */
module io.wharf.oci.policy {
  requires transitive io.wharf.oci.model;
  requires com.fasterxml.jackson.databind;
  requires java.net.http;
  requires org.yaml.snakeyaml;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires static transitive org.jspecify;

  exports io.wharf.oci.policy;
  exports io.wharf.oci.policy.vuln;
  exports io.wharf.oci.policy.scanner;
  exports io.wharf.oci.policy.sign;
  exports io.wharf.oci.policy.retention;
}

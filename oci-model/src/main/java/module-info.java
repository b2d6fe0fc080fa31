/**
 * The OCI image and distribution specifications v1.1 as Java values. Jackson is used inside and
 * never appears in the API; {@code io.wharf.oci.model.json} is not exported.
 */
module io.wharf.oci.model {
  requires com.fasterxml.jackson.databind;
  requires static transitive org.jspecify;

  exports io.wharf.oci.model;
  exports io.wharf.oci.model.error;
  exports io.wharf.oci.model.ref;
  exports io.wharf.oci.model.layout;
}

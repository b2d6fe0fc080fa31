/**
 * References to content in registries: {@link io.wharf.oci.model.ref.Reference}, its parts ({@link
 * io.wharf.oci.model.ref.RegistryHost}, {@link io.wharf.oci.model.ref.RepositoryName}, {@link
 * io.wharf.oci.model.ref.Tag}) and {@link io.wharf.oci.model.ref.ReferenceParser}, whose
 * documentation holds the grammar.
 */
@NullMarked
package io.wharf.oci.model.ref;

import org.jspecify.annotations.NullMarked;

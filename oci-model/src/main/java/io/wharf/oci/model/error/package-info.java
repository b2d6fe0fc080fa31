/**
 * OCI error codes and the exception family every Wharf API throws when the protocol or the spec
 * says no. {@link io.wharf.oci.model.error.ErrorResponse} is the wire form, {@code
 * {"errors":[{code,message,detail}]}}.
 */
@NullMarked
package io.wharf.oci.model.error;

import org.jspecify.annotations.NullMarked;

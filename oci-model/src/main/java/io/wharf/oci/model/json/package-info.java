/** Internal: the one place that knows Jackson. Not exported; nothing here is API. */
@NullMarked
package io.wharf.oci.model.json;

import org.jspecify.annotations.NullMarked;

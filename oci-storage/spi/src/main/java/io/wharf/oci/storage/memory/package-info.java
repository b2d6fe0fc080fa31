/** In-memory reference implementations of the storage SPI, for tests and throw-away registries. */
@NullMarked
package io.wharf.oci.storage.memory;

import org.jspecify.annotations.NullMarked;

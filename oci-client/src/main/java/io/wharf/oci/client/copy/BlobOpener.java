package io.wharf.oci.client.copy;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a blob's bytes from the start, again each time it is called (a destination may have to
 * start over after a failure). The caller closes each stream.
 */
@FunctionalInterface
public interface BlobOpener {

  /** A new stream of the whole blob. */
  InputStream open() throws IOException;
}

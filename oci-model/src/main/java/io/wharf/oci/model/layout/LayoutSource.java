package io.wharf.oci.model.layout;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;
import java.util.Set;

/** Where a layout's files come from: a directory or a tar archive. Paths use '/'. */
interface LayoutSource extends Closeable {

  /** The size of the regular file at {@code path}, or empty when there is none. */
  OptionalLong size(String path) throws IOException;

  /** Opens the regular file at {@code path}. The caller closes the stream. */
  InputStream open(String path) throws IOException;

  /** The paths of all regular files under {@code prefix} (which ends with '/'). */
  Set<String> list(String prefix) throws IOException;

  /** A description for messages. */
  String describe();
}

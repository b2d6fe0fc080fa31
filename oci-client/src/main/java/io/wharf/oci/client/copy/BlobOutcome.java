package io.wharf.oci.client.copy;

/** What happened to one blob of a copy. */
public enum BlobOutcome {
  /** Its bytes were read from the source and written to the destination. */
  COPIED,
  /** The destination had it already (HEAD, or a file of that size). */
  EXISTED,
  /** The destination registry mounted it from the source repository (end-11). */
  MOUNTED
}

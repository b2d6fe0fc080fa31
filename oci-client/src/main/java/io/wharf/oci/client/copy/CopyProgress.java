package io.wharf.oci.client.copy;

/**
 * Totals of a copy at one moment. Bytes count blobs that move; blobs skipped or mounted count as
 * done with their size.
 *
 * @param blobsDone blobs finished (copied, present already, or mounted)
 * @param blobsTotal distinct blobs the copy needs
 * @param bytesDone bytes of those blobs done so far
 * @param bytesTotal the size of all of them
 */
public record CopyProgress(int blobsDone, int blobsTotal, long bytesDone, long bytesTotal) {}

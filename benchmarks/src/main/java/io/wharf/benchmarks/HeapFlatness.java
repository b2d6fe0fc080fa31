package io.wharf.benchmarks;

import io.wharf.oci.model.Digest;
import io.wharf.oci.storage.BlobInfo;
import io.wharf.oci.storage.BlobUpload;
import io.wharf.oci.storage.filesystem.FileSystemBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks that committing a blob to {@link FileSystemBlobStore} needs the same heap whatever the
 * blob's size: the store streams, it never buffers a blob. Not a JMH benchmark: a plain program, to
 * be run with a small heap,
 *
 * <pre>java -Xmx64m -cp target/benchmarks.jar io.wharf.benchmarks.HeapFlatness</pre>
 *
 * <p>It commits blobs of 64 MiB, 256 MiB and 1 GiB (uploaded in 64 MiB chunks from one reusable 1
 * MiB buffer, to a durable store under {@code target/bench-data}) and, for each, prints the peak
 * used heap during the upload and commit: the sum over the heap memory pools of {@link
 * MemoryPoolMXBean#getPeakUsage()}, reset after a {@link System#gc()} before each size. <b>Target:
 * </b> flat, i.e. the 1 GiB peak exceeds the 64 MiB peak by at most {@value #TOLERANCE_MIB} MiB
 * (the young generation fills and empties at its own pace). Figures also go to {@code
 * target/bench-results/heap-flatness.properties}.
 */
public final class HeapFlatness {

  /** How much more heap the largest blob may need than the smallest, in MiB. */
  public static final int TOLERANCE_MIB = 8;

  private static final long MIB = 1L << 20;
  private static final long[] SIZES = {64 * MIB, 256 * MIB, 1024 * MIB};

  private HeapFlatness() {}

  /**
   * Runs the check.
   *
   * @param args unused
   * @throws IOException when the store fails
   */
  public static void main(String[] args) throws IOException {
    long maxHeap = Runtime.getRuntime().maxMemory();
    System.out.printf(
        Locale.ROOT, "WHARF heap-flatness: max heap %.1f MiB%n", (double) maxHeap / MIB);
    Path dir = BenchFiles.newDataDirectory("heap-flatness");
    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("max.heap.MiB", mib(maxHeap));
    long[] peaks = new long[SIZES.length];
    try (FileSystemBlobStore store = FileSystemBlobStore.open(dir)) {
      for (int i = 0; i < SIZES.length; i++) {
        long size = SIZES[i];
        BlobContent content = new BlobContent(size);
        Digest expected = content.sha256();
        System.gc();
        List<MemoryPoolMXBean> pools = heapPools();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        BlobInfo info = commit(store, content, expected);
        double seconds = (System.nanoTime() - start) / 1e9;
        peaks[i] = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        store.delete(info.digest());
        String label = (size / MIB) + "MiB";
        figures.put("peak.heap.MiB." + label, mib(peaks[i]));
        System.out.printf(
            Locale.ROOT,
            "WHARF heap-flatness: blob %5d MiB: peak used heap %6s MiB (%.1f s)%n",
            size / MIB,
            mib(peaks[i]),
            seconds);
      }
    } finally {
      BenchFiles.deleteRecursively(dir);
    }
    long growth = peaks[peaks.length - 1] - peaks[0];
    boolean flat = growth <= TOLERANCE_MIB * MIB;
    figures.put("growth.MiB", mib(growth));
    figures.put("tolerance.MiB", Integer.toString(TOLERANCE_MIB));
    figures.put("flat", Boolean.toString(flat));
    BenchFiles.writeResults("heap-flatness", figures);
    System.out.printf(
        Locale.ROOT,
        "WHARF heap-flatness: 1 GiB peak - 64 MiB peak = %s MiB (target <= %d MiB): %s%n",
        mib(growth),
        TOLERANCE_MIB,
        flat ? "PASS" : "FAIL");
  }

  private static BlobInfo commit(FileSystemBlobStore store, BlobContent content, Digest expected)
      throws IOException {
    long chunkBlocks = BlobCommitBenchmark.CHUNK / BlobContent.BLOCK;
    try (BlobUpload upload = store.newUpload()) {
      for (long block = 0; block < content.blocks(); block += chunkBlocks) {
        try (InputStream chunk = content.chunk(block, chunkBlocks)) {
          upload.write(chunk);
        }
      }
      return upload.commit(expected);
    }
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
        .toList();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", (double) bytes / MIB);
  }
}

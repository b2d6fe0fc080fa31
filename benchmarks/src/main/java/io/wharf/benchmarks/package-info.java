/**
 * Benchmarks of Wharf's storage layer. Run them through {@code benchmarks/run-storage.sh}, which
 * prints every figure next to its target:
 *
 * <ul>
 *   <li>{@link io.wharf.benchmarks.BlobCommitBenchmark}: committing a 1 GiB blob to the filesystem
 *       store, durable and not, against the JVM's raw SHA-256 of the same bytes (CPU ratio target
 *       at most 1.25);
 *   <li>{@link io.wharf.benchmarks.HeapFlatness}: the heap a commit needs does not grow with the
 *       blob's size;
 *   <li>{@link io.wharf.benchmarks.MetadataBenchmark}: a page of tags out of 100,000 (target under
 *       5 ms) and a manifest put (target median under 2 ms) on SQLite.
 * </ul>
 *
 * Files go under {@code target/bench-data} (removed again) and figures under {@code
 * target/bench-results}, relative to the working directory; the system properties {@value
 * io.wharf.benchmarks.BenchFiles#DATA_PROPERTY} and {@value
 * io.wharf.benchmarks.BenchFiles#RESULTS_PROPERTY} move them.
 */
package io.wharf.benchmarks;

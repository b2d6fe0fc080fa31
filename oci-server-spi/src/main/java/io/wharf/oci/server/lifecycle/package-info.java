/**
 * Running the registry's lifecycle jobs while it serves: {@link
 * io.wharf.oci.server.lifecycle.Lifecycle} runs garbage collection, the purge of abandoned uploads
 * and any other job (retention) on cron {@link io.wharf.oci.server.lifecycle.Schedule}s and on
 * request, one run at a time, and tells every run to the registry's listeners as a {@link
 * io.wharf.oci.server.RegistryEvent.Kind#LIFECYCLE_RUN} event; {@link
 * io.wharf.oci.server.lifecycle.LifecycleEndpoint} lets a system administrator list the jobs and
 * start runs over HTTP; {@link io.wharf.oci.server.lifecycle.LifecycleJson} is the JSON both the
 * endpoint and {@code wharf gc --json} write.
 */
@NullMarked
package io.wharf.oci.server.lifecycle;

import org.jspecify.annotations.NullMarked;

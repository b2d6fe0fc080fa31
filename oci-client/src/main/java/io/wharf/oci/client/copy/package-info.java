/**
 * Copies images, indexes and artifacts, with their referrers if asked, between registries, OCI
 * layout directories and OCI layout tar archives: the skopeo/crane job as a library call.
 *
 * <pre>{@code
 * try (RegistryClient client = RegistryClient.builder().credentials(DockerConfig.load()).build();
 *     ImageSource source = ImageSource.registry(client, ReferenceParser.docker().parse("ghcr.io/org/app:1.0"));
 *     ImageDestination target = ImageDestination.layoutDirectory(Path.of("app-layout"), Tag.of("1.0"))) {
 *   CopyResult result = Copier.builder().parallelism(4).build()
 *       .copy(CopyRequest.of(source, target).withPlatforms(PlatformSelection.all()).withReferrers(true));
 * }
 * }</pre>
 *
 * <p>Order: every blob first (in parallel; skipped when the destination has it, mounted when source
 * and destination are repositories of one registry), then child manifests, then the manifest named
 * by the copy with its tag, then referrers. Manifests travel as their exact bytes, so digests are
 * preserved (except for an index filtered to several platforms, which is a new index). Blob bytes
 * stream through and are verified against their digests once on the way.
 */
@NullMarked
package io.wharf.oci.client.copy;

import org.jspecify.annotations.NullMarked;

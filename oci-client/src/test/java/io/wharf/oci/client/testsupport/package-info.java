/**
 * Test infrastructure for the registry client's integration tests, written with the JDK alone
 * (JUnit only for {@link
 * io.wharf.oci.client.testsupport.DockerRegistryProcess#requireAvailable()}):
 *
 * <ul>
 *   <li>{@link io.wharf.oci.client.testsupport.DockerRegistryProcess}: Debian's {@code
 *       docker-registry} (CNCF distribution 2.8) on a free loopback port, without auth, with
 *       htpasswd Basic auth, or with token auth;
 *   <li>{@link io.wharf.oci.client.testsupport.TokenServer}: a Docker token server (GET and OAuth2
 *       POST) whose ES256 or RS256 JWTs distribution verifies, with per-user grants and counters;
 *   <li>{@link io.wharf.oci.client.testsupport.FaultProxy}: a TCP proxy that cuts responses or
 *       requests after N bytes, answers with canned responses (429, 503), disconnects, or trickles,
 *       for the requests a test picks;
 *   <li>{@link io.wharf.oci.client.testsupport.RedirectingServer}: a second server that blob GETs
 *       are redirected to, recording the headers it receives.
 * </ul>
 *
 * <p>Every class is {@link java.lang.AutoCloseable}: use try-with-resources, and nothing (process,
 * thread, socket, temporary folder) outlives the block.
 */
package io.wharf.oci.client.testsupport;

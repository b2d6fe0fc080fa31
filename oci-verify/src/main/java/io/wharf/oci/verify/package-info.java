/**
 * Judging an image on any registry by the policies a Wharf registry enforces at pull: {@link
 * io.wharf.oci.verify.ImageVerifier} resolves a reference to its digest, reads the facts the
 * policies ask for (referrers, signatures, reports) through a {@link
 * io.wharf.oci.verify.RemoteContext}, and returns a {@link io.wharf.oci.verify.Verdict} with the
 * decision and every reason.
 *
 * <p>Failures come in the project's two channels: {@link java.io.IOException} when bytes could not
 * move, {@link io.wharf.oci.client.RegistryClientException} when the registry answered no (the
 * image is not there, credentials are refused), {@link
 * io.wharf.oci.model.error.InvalidContentException} when what it sent fails verification. A denial
 * is never an exception: it is a {@link io.wharf.oci.verify.Verdict} that says why.
 */
@NullMarked
package io.wharf.oci.verify;

import org.jspecify.annotations.NullMarked;

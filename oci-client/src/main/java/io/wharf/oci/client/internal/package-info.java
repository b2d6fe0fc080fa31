/**
 * The client's machinery (HTTP exchanges, the auth handshake, header parsers, retries). Not
 * exported: nothing here is API.
 */
@NullMarked
package io.wharf.oci.client.internal;

import org.jspecify.annotations.NullMarked;

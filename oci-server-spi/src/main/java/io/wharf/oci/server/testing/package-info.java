/**
 * A JUnit Jupiter extension that runs a registry on a loopback port for the duration of a test
 * class or method. JUnit Jupiter is an optional dependency that the user's tests provide.
 */
@NullMarked
package io.wharf.oci.server.testing;

import org.jspecify.annotations.NullMarked;

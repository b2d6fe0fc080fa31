/**
 * Small programs to copy from: {@link io.wharf.examples.EmbeddedRegistry} (a registry in an
 * application, with an authenticator, an authorizer, an admission gate and an audit log) and {@link
 * io.wharf.examples.ServletRegistry} (the registry servlet in Jetty 12.0, Servlet 6.0). The tests
 * next to them show a registry in a unit test and the clients that talk to these.
 */
@NullMarked
package io.wharf.examples;

import org.jspecify.annotations.NullMarked;

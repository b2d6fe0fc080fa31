/**
 * The {@code wharf} program: {@link io.wharf.examples.Wharf} (the command line), {@link
 * io.wharf.examples.WharfServer} (a registry on the single-node store, as {@code wharf serve} runs
 * it, also usable in-process) and its settings ({@link io.wharf.examples.ServerSettings}, {@link
 * io.wharf.examples.WharfConfig}).
 */
package io.wharf.examples;

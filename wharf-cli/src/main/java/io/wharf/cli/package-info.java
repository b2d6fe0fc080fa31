/**
 * The {@code wharf} program: {@link io.wharf.cli.Wharf} (the command line), {@link
 * io.wharf.cli.WharfServer} (a registry on the single-node store, as {@code wharf serve} runs it,
 * also usable in-process) and its settings ({@link io.wharf.cli.ServerSettings}, {@link
 * io.wharf.cli.WharfConfig}).
 */
package io.wharf.cli;

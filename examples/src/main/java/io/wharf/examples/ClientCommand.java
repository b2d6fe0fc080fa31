package io.wharf.examples;

import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.model.error.OciException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of the client commands: {@link #run()} does the work; a failure becomes one line on
 * stderr naming what failed, and exit status 1 (a bad argument: 2).
 */
abstract class ClientCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Does the work; returns the exit status. */
  abstract int run() throws Exception;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (IllegalArgumentException e) {
      return fail(e.getMessage(), 2);
    } catch (RegistryClientException | OciException e) {
      return fail(e.getMessage(), 1);
    } catch (IOException e) {
      return fail(e.getMessage() == null ? e.toString() : e.getMessage(), 1);
    } catch (Exception e) {
      return fail(e.toString(), 1);
    }
  }

  private int fail(String message, int status) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("wharf " + spec.name() + ": " + oneLine(message));
    err.flush();
    return status;
  }

  static String oneLine(String message) {
    String m = message == null ? "failed" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return m.length() > 2000 ? m.substring(0, 2000) + "..." : m;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}

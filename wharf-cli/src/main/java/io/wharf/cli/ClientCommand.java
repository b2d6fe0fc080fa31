package io.wharf.cli;

import io.wharf.oci.client.RegistryClientException;
import io.wharf.oci.client.Repository;
import io.wharf.oci.model.error.OciException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * The shape of the client commands: {@link #run(Cli.Args)} does the work; a failure becomes one
 * line on stderr naming what failed, and exit status 1 (a bad argument: 2).
 */
abstract class ClientCommand implements Command {

  private PrintWriter out;
  private Optional<ImageLocation.Docker> subject = Optional.empty();

  /** Does the work with {@code args}; returns the exit status. */
  abstract int run(Cli.Args args) throws Exception;

  @Override
  public final int run(Cli.Args args, PrintWriter out, PrintWriter err) throws Cli.UsageError {
    this.out = out;
    try {
      return run(args);
    } catch (Cli.UsageError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      return fail(err, e.getMessage(), 2);
    } catch (RegistryClientException | OciException e) {
      return fail(err, e.getMessage(), 1);
    } catch (IOException e) {
      return fail(err, naming(e.getMessage() == null ? e.toString() : e.getMessage()), 1);
    } catch (Exception e) {
      return fail(err, e.toString(), 1);
    }
  }

  private int fail(PrintWriter err, String message, int status) {
    err.println("wharf " + syntax().name() + ": " + oneLine(message));
    err.flush();
    return status;
  }

  /**
   * Names {@code location} as what the command works on: a failure whose message does not name its
   * repository (a refused connection names only the host) is prefixed with it.
   */
  void subject(ImageLocation.Docker location) {
    subject = Optional.of(location);
  }

  private String naming(String message) {
    if (subject.isEmpty()
        || message.contains(Repository.of(subject.get().reference()).toString())) {
      return message;
    }
    return subject.get() + ": " + message;
  }

  static String oneLine(String message) {
    String m = message == null ? "failed" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    return m.length() > 2000 ? m.substring(0, 2000) + "..." : m;
  }

  PrintWriter out() {
    return out;
  }
}

package io.wharf.oci.client.testsupport;

import java.util.Objects;

/**
 * What {@link FaultProxy} does to one request it was armed for (see {@link FaultProxy#inject(Fault,
 * int)}). Immutable.
 */
public final class Fault {

  /** The kinds of fault. */
  public enum Kind {
    /** Forward the request, then close the connection after N bytes of the response. */
    CUT_RESPONSE,
    /** Forward the request, then stop sending the response after N bytes, the connection open. */
    STALL_RESPONSE,
    /** Forward N bytes of the request (head and body), then close the connection. */
    CUT_REQUEST,
    /** Answer with a canned response instead of forwarding. */
    RESPOND,
    /** Close the connection without forwarding or answering. */
    DISCONNECT
  }

  private final Kind kind;
  private final long bytes;
  private final CannedResponse response;
  private final boolean reset;

  private Fault(Kind kind, long bytes, CannedResponse response, boolean reset) {
    this.kind = kind;
    this.bytes = bytes;
    this.response = response;
    this.reset = reset;
  }

  /**
   * Forwards the request and closes the connection once {@code bytes} bytes of the response (its
   * status line and headers included) have reached the client: a download cut mid-way.
   */
  public static Fault cutResponseAfter(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes " + bytes);
    }
    return new Fault(Kind.CUT_RESPONSE, bytes, null, false);
  }

  /**
   * Forwards the request and, once {@code bytes} bytes of the response (its status line and headers
   * included) have reached the client, sends nothing more while keeping the connection open: a
   * network that stalls for good mid-download, which only the client's read timeout ends. Unlike
   * {@linkplain FaultProxy#trickleResponses trickling}, it hits exactly the requests it is armed
   * for, from exactly that byte on.
   */
  public static Fault stallResponseAfter(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes " + bytes);
    }
    return new Fault(Kind.STALL_RESPONSE, bytes, null, false);
  }

  /**
   * Forwards only the first {@code bytes} bytes of the request (request line and headers included),
   * then closes the connection: an upload cut mid-way.
   */
  public static Fault cutRequestAfter(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes " + bytes);
    }
    return new Fault(Kind.CUT_REQUEST, bytes, null, false);
  }

  /** Answers with {@code response}; the request (and its body) never reaches the target. */
  public static Fault respond(CannedResponse response) {
    return new Fault(Kind.RESPOND, 0, Objects.requireNonNull(response), false);
  }

  /** Closes the connection as soon as the request head is read: no answer at all. */
  public static Fault disconnect() {
    return new Fault(Kind.DISCONNECT, 0, null, false);
  }

  /**
   * The same fault, but the connection is closed abortively (TCP RST, "connection reset") instead
   * of with a FIN (which a client sees as a premature end of the stream).
   */
  public Fault withReset() {
    return new Fault(kind, bytes, response, true);
  }

  /** The kind. */
  public Kind kind() {
    return kind;
  }

  /** The byte count of a cut. */
  public long bytes() {
    return bytes;
  }

  /** True if the connection is reset rather than closed. */
  public boolean reset() {
    return reset;
  }

  CannedResponse response() {
    return response;
  }

  @Override
  public String toString() {
    return switch (kind) {
          case CUT_RESPONSE -> "cut the response after " + bytes + " bytes";
          case STALL_RESPONSE -> "stall the response after " + bytes + " bytes";
          case CUT_REQUEST -> "cut the request after " + bytes + " bytes";
          case RESPOND -> "respond " + response;
          case DISCONNECT -> "disconnect";
        }
        + (reset ? " (reset)" : "");
  }
}

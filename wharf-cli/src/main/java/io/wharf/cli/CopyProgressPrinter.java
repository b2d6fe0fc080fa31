package io.wharf.cli;

import io.wharf.oci.client.copy.BlobOutcome;
import io.wharf.oci.client.copy.CopyListener;
import io.wharf.oci.client.copy.CopyProgress;
import io.wharf.oci.client.copy.CopyResult;
import io.wharf.oci.client.copy.ManifestRole;
import io.wharf.oci.model.Descriptor;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of {@code wharf copy}: on a terminal, one progress bar redrawn in place (total bytes and
 * blobs) with a line per blob done; elsewhere, plain lines per blob and manifest.
 */
final class CopyProgressPrinter implements CopyListener {

  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final boolean terminal;
  private final boolean quiet;
  private long lastDraw;

  CopyProgressPrinter(PrintWriter out, boolean terminal, boolean quiet) {
    this.out = out;
    this.terminal = terminal;
    this.quiet = quiet;
  }

  @Override
  public synchronized void planned(CopyProgress totals) {
    if (!quiet) {
      out.println(
          "Copying " + totals.blobsTotal() + " blobs, " + size(totals.bytesTotal()) + " in all");
      out.flush();
    }
  }

  @Override
  public void blobProgressed(Descriptor blob, long bytesDone, CopyProgress totals) {
    if (!terminal) {
      return;
    }
    synchronized (this) {
      long now = System.nanoTime();
      if (now - lastDraw < REDRAW_NANOS) {
        return;
      }
      lastDraw = now;
      draw(totals);
    }
  }

  private void draw(CopyProgress t) {
    int width = 30;
    double fraction = t.bytesTotal() == 0 ? 1 : (double) t.bytesDone() / t.bytesTotal();
    int filled = (int) Math.round(Math.min(1, fraction) * width);
    out.print(
        "\r["
            + "#".repeat(filled)
            + " ".repeat(width - filled)
            + "] "
            + String.format(Locale.ROOT, "%3d%%", (int) (fraction * 100))
            + " "
            + size(t.bytesDone())
            + " / "
            + size(t.bytesTotal())
            + "  blobs "
            + t.blobsDone()
            + "/"
            + t.blobsTotal()
            + "   ");
    out.flush();
  }

  @Override
  public synchronized void blobFinished(Descriptor blob, BlobOutcome outcome, CopyProgress totals) {
    if (quiet) {
      return;
    }
    if (terminal) {
      out.print("\r\033[K");
    }
    String verb =
        switch (outcome) {
          case COPIED -> "copied";
          case EXISTED -> "skipped (already there)";
          case MOUNTED -> "mounted";
        };
    out.println("blob " + blob.digest() + " " + size(blob.size()) + " " + verb);
    if (terminal) {
      draw(totals);
    }
    out.flush();
  }

  @Override
  public synchronized void manifestWritten(Descriptor manifest, ManifestRole role) {
    if (quiet) {
      return;
    }
    if (terminal) {
      out.print("\r\033[K");
    }
    out.println(
        "manifest "
            + manifest.digest()
            + " ("
            + manifest.mediaType()
            + ", "
            + role.name().toLowerCase(Locale.ROOT)
            + ") written");
    out.flush();
  }

  synchronized void done(CopyResult r, ImageLocation from, ImageLocation to) {
    if (quiet) {
      out.println(r.root().digest());
    } else {
      out.println(
          "Copied "
              + from
              + " to "
              + to
              + ": "
              + r.root().digest()
              + " ("
              + r.blobsCopied()
              + " blobs copied, "
              + r.blobsExisting()
              + " already there, "
              + r.blobsMounted()
              + " mounted; "
              + size(r.bytesCopied())
              + " in "
              + String.format(Locale.ROOT, "%.1f", r.elapsed().toMillis() / 1000.0)
              + " s)");
    }
    out.flush();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}

package io.wharf.oci.storage;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.error.AccessException;
import io.wharf.oci.model.error.ErrorCode;
import io.wharf.oci.model.ref.RepositoryName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A delete refused because a stored manifest of the repository still refers to the content (an
 * index to its child manifest, an image manifest to its config or a layer): deleting it would break
 * that manifest. Deleting the referring manifest first, then the content, works.
 *
 * <p>On the wire it is {@code 409 Conflict} with code {@code DENIED} (code-12), and its {@code
 * detail} names the digest and what refers to it. Why these: the distribution-spec allows only its
 * own codes in an error body, and of those only {@code DENIED} says "this operation on this
 * resource is refused"; the spec keeps {@code 400}/{@code 405} for registries where deletion is
 * disabled, and a client reads {@code 405} so (zot answers a referenced manifest or blob with
 * {@code 405 DENIED}, which tells the client deletes are off). Harbor refuses to delete an artifact
 * an index references with {@code 412 Precondition Failed}, but RFC 9110 keeps 412 for conditions
 * the request's own headers set. RFC 9110's {@code 409 Conflict} is the status for a request that
 * conflicts with the current state of the resource and that the client can resolve and resubmit,
 * which is exactly this case.
 */
public final class StillReferencedException extends AccessException {

  private static final long serialVersionUID = 1L;

  /** The HTTP status of this refusal. */
  public static final int STATUS = 409;

  /** The most referring manifests a message or detail names; the count says how many there are. */
  static final int NAMED = 10;

  private final transient RepositoryName repository;
  private final transient Digest target;
  private final transient List<ContentReference> references;

  /**
   * A refusal to delete {@code target} from {@code repository}, which {@code references} (at least
   * one) still refer to.
   */
  public StillReferencedException(
      RepositoryName repository, Digest target, List<ContentReference> references) {
    super(
        ErrorCode.DENIED,
        message(repository, target, references),
        detail(target, references),
        STATUS,
        null);
    if (references.isEmpty()) {
      throw new IllegalArgumentException("a refusal needs a reference");
    }
    this.repository = repository;
    this.target = target;
    this.references = List.copyOf(references);
  }

  /** The repository of the refused delete. */
  public RepositoryName repository() {
    return repository;
  }

  /** The blob or manifest whose delete was refused. */
  public Digest target() {
    return target;
  }

  /** What still refers to it. */
  public List<ContentReference> references() {
    return references;
  }

  private static String message(
      RepositoryName repository, Digest target, List<ContentReference> references) {
    String what = references.get(0).kind().isBlob() ? "blob " : "manifest ";
    StringBuilder sb =
        new StringBuilder(what)
            .append(target)
            .append(" is still referenced in ")
            .append(repository)
            .append(" by ");
    List<String> named = new ArrayList<>();
    for (ContentReference r : references.subList(0, Math.min(NAMED, references.size()))) {
      named.add(r.describe());
    }
    sb.append(String.join(", ", named));
    if (references.size() > NAMED) {
      sb.append(" and ").append(references.size() - NAMED).append(" more");
    }
    return sb.append("; delete those first").toString();
  }

  private static Map<String, Object> detail(Digest target, List<ContentReference> references) {
    List<Map<String, String>> named = new ArrayList<>();
    for (ContentReference r : references.subList(0, Math.min(NAMED, references.size()))) {
      named.add(Map.of("manifest", r.manifest().toString(), "kind", r.kind().label()));
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("digest", target.toString());
    detail.put("referencedBy", named);
    detail.put("references", references.size());
    return detail;
  }
}

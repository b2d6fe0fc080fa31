package io.wharf.oci.server;

import io.wharf.oci.model.Digest;
import io.wharf.oci.model.MediaType;
import io.wharf.oci.model.ref.RepositoryName;
import io.wharf.oci.model.ref.Tag;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Makes {@link RegistryEvent}s from request contexts; without listeners, it makes none. */
final class Events {

  /** Each endpoint's {@code Optional}, made once rather than for each event. */
  private static final Map<Endpoint, Optional<Endpoint>> ENDPOINTS = endpoints();

  private final @Nullable EventDispatcher dispatcher;
  private final Clock clock;

  Events(@Nullable EventDispatcher dispatcher, Clock clock) {
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  private static Map<Endpoint, Optional<Endpoint>> endpoints() {
    Map<Endpoint, Optional<Endpoint>> m = new EnumMap<>(Endpoint.class);
    for (Endpoint e : Endpoint.values()) {
      m.put(e, Optional.of(e));
    }
    return m;
  }

  /** Whether anyone listens. */
  boolean enabled() {
    return dispatcher != null;
  }

  /** An event about {@code digest} in the request's repository. */
  void emit(
      RequestContext request,
      RegistryEvent.Kind kind,
      int status,
      Digest digest,
      Optional<MediaType> mediaType,
      Set<Tag> tags) {
    emit(request, kind, status, digest, mediaType, Optional.empty(), tags);
  }

  /** An event about manifest {@code digest}, whose subject is {@code subject} when it has one. */
  void emit(
      RequestContext request,
      RegistryEvent.Kind kind,
      int status,
      Digest digest,
      Optional<MediaType> mediaType,
      Optional<Digest> subject,
      Set<Tag> tags) {
    emit(
        request,
        kind,
        status,
        Optional.of(digest),
        mediaType,
        subject,
        tags,
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /** A tag moved from {@code previous} to {@code digest}. */
  void tagMoved(RequestContext request, Tag tag, Digest digest, Digest previous) {
    emit(
        request,
        RegistryEvent.Kind.TAG_MOVED,
        201,
        Optional.of(digest),
        Optional.empty(),
        Optional.empty(),
        Set.of(tag),
        Optional.of(previous),
        Optional.empty(),
        List.of());
  }

  /** A blob mounted from {@code source}. */
  void mounted(RequestContext request, Digest digest, RepositoryName source) {
    emit(
        request,
        RegistryEvent.Kind.BLOB_MOUNTED,
        201,
        Optional.of(digest),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.of(source),
        List.of());
  }

  /** A named caller was let in at end-1. */
  void login(RequestContext request) {
    emit(
        request,
        RegistryEvent.Kind.LOGIN,
        200,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /** A refusal. */
  void denied(RequestContext request, int status, List<String> reasons) {
    denied(request, status, reasons, Optional.empty(), Optional.empty(), Set.of());
  }

  /** A refusal of an operation on a manifest. */
  void denied(
      RequestContext request,
      int status,
      List<String> reasons,
      Optional<Digest> digest,
      Optional<MediaType> mediaType,
      Set<Tag> tags) {
    emit(
        request,
        RegistryEvent.Kind.DENIED,
        status,
        digest,
        mediaType,
        Optional.empty(),
        tags,
        Optional.empty(),
        Optional.empty(),
        reasons);
  }

  private void emit(
      RequestContext request,
      RegistryEvent.Kind kind,
      int status,
      Optional<Digest> digest,
      Optional<MediaType> mediaType,
      Optional<Digest> subject,
      Set<Tag> tags,
      Optional<Digest> previous,
      Optional<RepositoryName> source,
      List<String> reasons) {
    publish(
        kind,
        request.requestId(),
        ENDPOINTS.get(request.endpoint()),
        request.identity(),
        request.clientAddress(),
        request.repository(),
        digest,
        mediaType,
        subject,
        tags,
        previous,
        source,
        status,
        reasons,
        List.of());
  }

  /** An event of a {@link ServiceHandler}'s request. */
  void service(
      String requestId,
      Optional<java.net.InetSocketAddress> client,
      RegistryEvent.Kind kind,
      Identity actor,
      int status,
      List<String> scopes,
      List<String> reasons) {
    publish(
        kind,
        requestId,
        Optional.empty(),
        actor,
        client,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        status,
        reasons,
        scopes);
  }

  /** An event made outside the engine's requests: delivered when some listener hears its kind. */
  void external(RegistryEvent event) {
    EventDispatcher d = dispatcher;
    if (d != null && d.hears(event.kind())) {
      d.publish(event);
    }
  }

  /** The one place events are made: none without listeners. */
  private void publish(
      RegistryEvent.Kind kind,
      String requestId,
      Optional<Endpoint> endpoint,
      Identity actor,
      Optional<java.net.InetSocketAddress> client,
      Optional<RepositoryName> repository,
      Optional<Digest> digest,
      Optional<MediaType> mediaType,
      Optional<Digest> subject,
      Set<Tag> tags,
      Optional<Digest> previous,
      Optional<RepositoryName> source,
      int status,
      List<String> reasons,
      List<String> scopes) {
    EventDispatcher d = dispatcher;
    if (d == null || !d.hears(kind)) {
      return;
    }
    d.publish(
        new RegistryEvent(
            kind,
            clock.instant(),
            requestId,
            endpoint,
            actor,
            client,
            repository,
            digest,
            mediaType,
            subject,
            tags,
            previous,
            source,
            status,
            reasons,
            scopes));
  }
}

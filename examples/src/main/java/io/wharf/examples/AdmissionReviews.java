package io.wharf.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Kubernetes {@code admission.k8s.io/v1} {@code AdmissionReview} requests and writes their
 * responses: the request's uid and kind, and every container image of the object under review. A
 * review that is not what the API server sends is a {@link MalformedReviewException} with a message
 * for people, never another exception.
 *
 * <p>Images are those of every container, init container and ephemeral container of the pod spec:
 * {@code spec} of a Pod; {@code spec.template.spec} of a Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job or ReplicationController; {@code spec.jobTemplate.spec.template.spec} of a
 * CronJob. Other kinds, and requests without an object (a DELETE), have no images.
 *
 * <p>Bounds: JSON nested at most {@value #MAX_DEPTH} deep, strings of at most {@value
 * #MAX_STRING_CHARS} characters, duplicate keys refused; the caller bounds the body's bytes.
 */
final class AdmissionReviews {

  /** The API version reviews are read and answered in. */
  static final String API_VERSION = "admission.k8s.io/v1";

  /** How deep the JSON may nest (a CronJob's containers sit at depth 9). */
  static final int MAX_DEPTH = 64;

  /** The longest string. */
  static final int MAX_STRING_CHARS = 64 * 1024;

  /** The longest uid and image reference. */
  static final int MAX_UID_CHARS = 256;

  private static final int MAX_IMAGE_CHARS = 4096;

  private static final List<String> CONTAINER_LISTS =
      List.of("containers", "initContainers", "ephemeralContainers");

  /** Where each kind keeps its pod spec, below the object. */
  private static final Map<String, List<String>> POD_SPECS =
      Map.of(
          "Pod", List.of("spec"),
          "Deployment", List.of("spec", "template", "spec"),
          "ReplicaSet", List.of("spec", "template", "spec"),
          "StatefulSet", List.of("spec", "template", "spec"),
          "DaemonSet", List.of("spec", "template", "spec"),
          "Job", List.of("spec", "template", "spec"),
          "ReplicationController", List.of("spec", "template", "spec"),
          "CronJob", List.of("spec", "jobTemplate", "spec", "template", "spec"));

  private static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxStringLength(MAX_STRING_CHARS)
                          .maxNumberLength(64)
                          .maxNameLength(1024)
                          .build())
                  .build())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private AdmissionReviews() {}

  /** A review that cannot be answered; its message says why, for the API server's log. */
  static final class MalformedReviewException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedReviewException(String message) {
      super(message);
    }
  }

  /**
   * What a review asks.
   *
   * @param uid the request's uid, which the response must carry
   * @param kind the object's kind ({@code Pod}, {@code Deployment}, ...)
   * @param images the distinct images of its containers, in order of appearance
   */
  record Review(String uid, String kind, List<String> images) {
    Review {
      images = List.copyOf(images);
    }
  }

  /**
   * Reads {@code body}.
   *
   * @throws MalformedReviewException when it is not an {@code admission.k8s.io/v1} AdmissionReview
   *     with a request this webhook can answer
   */
  static Review parse(byte[] body) throws MalformedReviewException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedReviewException("not JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new MalformedReviewException("not JSON: " + oneLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new MalformedReviewException("an AdmissionReview is a JSON object");
    }
    String apiVersion = text(root, "apiVersion", "apiVersion");
    if (!apiVersion.equals(API_VERSION)) {
      throw new MalformedReviewException(
          "apiVersion is '" + shown(apiVersion) + "', not " + API_VERSION);
    }
    String kind = text(root, "kind", "kind");
    if (!kind.equals("AdmissionReview")) {
      throw new MalformedReviewException("kind is '" + shown(kind) + "', not AdmissionReview");
    }
    JsonNode request = object(root, "request", "request");
    String uid = text(request, "uid", "request.uid");
    if (uid.isEmpty() || uid.length() > MAX_UID_CHARS) {
      throw new MalformedReviewException("request.uid must have 1 to " + MAX_UID_CHARS + " chars");
    }
    String objectKind = text(object(request, "kind", "request.kind"), "kind", "request.kind.kind");
    JsonNode object = request.get("object");
    List<String> images = new ArrayList<>();
    List<String> path = POD_SPECS.get(objectKind);
    if (object != null && !object.isNull() && path != null) {
      if (!object.isObject()) {
        throw new MalformedReviewException("request.object is not an object");
      }
      images(podSpec(object, path), "request.object." + String.join(".", path), images);
    }
    return new Review(uid, objectKind, images);
  }

  /** The pod spec at {@code path} below {@code object}; null when a part of the path is absent. */
  private static JsonNode podSpec(JsonNode object, List<String> path)
      throws MalformedReviewException {
    JsonNode node = object;
    StringBuilder at = new StringBuilder("request.object");
    for (String step : path) {
      at.append('.').append(step);
      JsonNode next = node.get(step);
      if (next == null || next.isNull()) {
        return null;
      }
      if (!next.isObject()) {
        throw new MalformedReviewException(at + " is not an object");
      }
      node = next;
    }
    return node;
  }

  private static void images(JsonNode spec, String at, List<String> images)
      throws MalformedReviewException {
    if (spec == null) {
      return;
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (String list : CONTAINER_LISTS) {
      JsonNode containers = spec.get(list);
      if (containers == null || containers.isNull()) {
        continue;
      }
      if (!containers.isArray()) {
        throw new MalformedReviewException(at + "." + list + " is not an array");
      }
      for (int i = 0; i < containers.size(); i++) {
        String where = at + "." + list + "[" + i + "]";
        JsonNode container = containers.get(i);
        if (!container.isObject()) {
          throw new MalformedReviewException(where + " is not an object");
        }
        String image = text(container, "image", where + ".image");
        if (image.isBlank() || image.length() > MAX_IMAGE_CHARS) {
          throw new MalformedReviewException(
              where + ".image must have 1 to " + MAX_IMAGE_CHARS + " chars");
        }
        distinct.add(image);
      }
    }
    images.addAll(distinct);
  }

  /**
   * The AdmissionReview answering {@code uid}: allowed, or denied with HTTP-style code 403 and
   * {@code message}.
   */
  static byte[] response(String uid, boolean allowed, String message) {
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", API_VERSION);
    review.put("kind", "AdmissionReview");
    ObjectNode response = review.putObject("response");
    response.put("uid", uid);
    response.put("allowed", allowed);
    if (!allowed) {
      ObjectNode status = response.putObject("status");
      status.put("code", 403);
      status.put("message", message);
    }
    try {
      return JSON.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always writes", e);
    }
  }

  private static JsonNode object(JsonNode parent, String field, String at)
      throws MalformedReviewException {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new MalformedReviewException(at + (node == null ? " is missing" : " is not an object"));
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String at)
      throws MalformedReviewException {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual()) {
      throw new MalformedReviewException(at + (node == null ? " is missing" : " is not a string"));
    }
    return node.textValue();
  }

  /** {@code text} on one line, at most 200 characters. */
  static String oneLine(String text) {
    String line = text == null ? "" : text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }

  private static String shown(String text) {
    return oneLine(text.length() > 64 ? text.substring(0, 64) + "..." : text);
  }
}

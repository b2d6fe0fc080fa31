package io.wharf.oci.policy.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.wharf.oci.policy.internal.PolicyNode.Entry;
import io.wharf.oci.policy.internal.PolicyNode.Kind;
import io.wharf.oci.policy.internal.PolicyNode.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads JSON into a {@link PolicyNode} tree with Jackson's streaming parser, which knows the line
 * and column of every token. Strict JSON: no comments, no trailing content; nesting, string, number
 * and name lengths are bounded.
 */
public final class JsonTrees {

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(Limits.MAX_DEPTH)
                  .maxStringLength(Limits.MAX_CHARS)
                  .maxNameLength(Limits.MAX_STRING)
                  .maxNumberLength(64)
                  .maxDocumentLength(Limits.MAX_CHARS + 1L)
                  .build())
          .build();

  private JsonTrees() {}

  /** The tree of {@code text}; a syntax error is the tree's one problem. */
  public static PolicyNode.Tree read(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new PolicyNode.Tree(Optional.empty(), List.of());
      }
      int[] count = new int[1];
      PolicyNode root = value(parser, count);
      if (parser.nextToken() != null) {
        return failed(parser.currentTokenLocation(), "JSON: content after the document");
      }
      return new PolicyNode.Tree(Optional.of(root), List.of());
    } catch (JsonProcessingException e) {
      return failed(e.getLocation(), "JSON: " + YamlTrees.oneLine(e.getOriginalMessage()));
    } catch (TooMany e) {
      return failed(e.location, "too many values (at most " + Limits.MAX_NODES + ")");
    } catch (IOException e) {
      return failed(null, "JSON: " + YamlTrees.oneLine(String.valueOf(e.getMessage())));
    }
  }

  private static PolicyNode value(JsonParser parser, int[] count) throws IOException {
    JsonLocation at = parser.currentTokenLocation();
    if (++count[0] > Limits.MAX_NODES) {
      throw new TooMany(at);
    }
    int line = Math.max(1, at.getLineNr());
    int column = Math.max(1, at.getColumnNr());
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        {
          List<Entry> entries = new ArrayList<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            JsonLocation key = parser.currentTokenLocation();
            String name = parser.currentName();
            parser.nextToken();
            entries.add(
                new Entry(
                    name,
                    Math.max(1, key.getLineNr()),
                    Math.max(1, key.getColumnNr()),
                    value(parser, count)));
          }
          return new PolicyNode.Mapping(line, column, entries);
        }
      case START_ARRAY:
        {
          List<PolicyNode> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(parser, count));
          }
          return new PolicyNode.Sequence(line, column, items);
        }
      case VALUE_STRING:
        return new PolicyNode.Scalar(line, column, Kind.STRING, parser.getText(), true);
      case VALUE_NUMBER_INT:
        return new PolicyNode.Scalar(line, column, Kind.INTEGER, parser.getText(), false);
      case VALUE_NUMBER_FLOAT:
        return new PolicyNode.Scalar(line, column, Kind.FLOAT, parser.getText(), false);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new PolicyNode.Scalar(line, column, Kind.BOOLEAN, parser.getText(), false);
      default:
        return new PolicyNode.Scalar(line, column, Kind.NULL, "null", false);
    }
  }

  private static PolicyNode.Tree failed(JsonLocation location, String message) {
    int line = location == null ? 1 : Math.max(1, location.getLineNr());
    int column = location == null ? 1 : Math.max(1, location.getColumnNr());
    return new PolicyNode.Tree(Optional.empty(), List.of(new Problem(line, column, "", message)));
  }

  /** More values than {@link Limits#MAX_NODES}. */
  private static final class TooMany extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient JsonLocation location;

    TooMany(JsonLocation location) {
      super(null, null, false, false);
      this.location = location;
    }
  }
}

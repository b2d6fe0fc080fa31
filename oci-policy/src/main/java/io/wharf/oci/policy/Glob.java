package io.wharf.oci.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A doublestar glob over {@code /}-separated names (repositories, projects, tags), as Harbor and
 * most tools mean it, compiled once into a matcher that runs in time linear in the name (a Thompson
 * automaton: no backtracking, so no pattern can make a match slow).
 *
 * <ul>
 *   <li>{@code *} matches any run of characters without {@code /}.
 *   <li>{@code **} as a whole segment matches zero or more segments: {@code a/**}{@code /b} matches
 *       {@code a/b} and {@code a/x/y/b}; {@code **}{@code /b} matches {@code b} and {@code x/b};
 *       {@code a/**} matches {@code a} and everything under it; {@code **} alone matches
 *       everything. A segment starts at the pattern's start, after a {@code /} or at the start of
 *       an alternative, and ends at the pattern's end, before a {@code /} or at the end of an
 *       alternative. Elsewhere ({@code a**b}) it is the same as {@code *}.
 *   <li>{@code ?} matches one character except {@code /}.
 *   <li>{@code [abc]}, {@code [a-z]}, {@code [!a]} (or {@code [^a]}) match one character of (or not
 *       of) the class, never {@code /}; a {@code ]} right after the opening bracket is part of the
 *       class.
 *   <li>{@code {a,b}} matches either alternative (each a pattern; alternatives may nest and may be
 *       empty), as in Harbor's tag patterns. Outside braces, {@code ,} and {@code }} are literal.
 *   <li>{@code \} makes the next character literal.
 * </ul>
 *
 * Names are matched as a whole, case-sensitively. A pattern has 1 to {@value #MAX_LENGTH}
 * characters. Instances are immutable and thread-safe; equal when their patterns are.
 */
public final class Glob {

  /** The longest pattern accepted. */
  public static final int MAX_LENGTH = 256;

  // Automaton operations.
  private static final int CHAR = 0;
  private static final int ANY_BUT_SLASH = 1;
  private static final int ANY = 2;
  private static final int CLASS = 3;
  private static final int SPLIT = 4;
  private static final int MATCH = 5;

  private final String pattern;
  private final Kind kind;
  private final String literal;
  private final int[] op;
  private final int[] arg;
  private final int[] out1;
  private final int[] out2;
  private final CharClass[] classes;
  private final int start;

  private enum Kind {
    /** No metacharacter: the name equals {@link #literal}. */
    LITERAL,
    /** {@code **} alone: everything. */
    EVERYTHING,
    /** {@code literal*}: a prefix, then no {@code /}. */
    PREFIX,
    /** Anything else: the automaton. */
    AUTOMATON
  }

  private Glob(String pattern, Node.Seq tree) {
    this.pattern = pattern;
    Compiler compiler = new Compiler();
    int match = compiler.add(MATCH, 0, -1, -1);
    this.start = compiler.compile(tree, match);
    this.op = Arrays.copyOf(compiler.op, compiler.size);
    this.arg = Arrays.copyOf(compiler.arg, compiler.size);
    this.out1 = Arrays.copyOf(compiler.out1, compiler.size);
    this.out2 = Arrays.copyOf(compiler.out2, compiler.size);
    this.classes = compiler.classes.toArray(new CharClass[0]);
    List<Node> items = tree.items();
    String prefix = literalPrefix(items);
    if (prefix.length() == items.size()) {
      kind = Kind.LITERAL;
      literal = prefix;
    } else if (items.size() == 1 && items.get(0) instanceof Node.All) {
      kind = Kind.EVERYTHING;
      literal = "";
    } else if (prefix.length() == items.size() - 1 && items.get(items.size() - 1) == Node.STAR) {
      kind = Kind.PREFIX;
      literal = prefix;
    } else {
      kind = Kind.AUTOMATON;
      literal = "";
    }
  }

  /**
   * Compiles {@code pattern}.
   *
   * @throws GlobSyntaxException when the pattern is empty, longer than {@value #MAX_LENGTH}
   *     characters, or has an unclosed {@code [} or <code>{</code>, a reversed range or a dangling
   *     {@code \}
   */
  public static Glob compile(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.isEmpty()) {
      throw new GlobSyntaxException(pattern, 0, "empty pattern");
    }
    if (pattern.length() > MAX_LENGTH) {
      throw new GlobSyntaxException(
          pattern, MAX_LENGTH, "pattern longer than " + MAX_LENGTH + " characters");
    }
    return new Glob(pattern, new Parser(pattern).parse());
  }

  /** The pattern, as given. */
  public String pattern() {
    return pattern;
  }

  /** Whether {@code name} matches the whole pattern. */
  public boolean matches(CharSequence name) {
    switch (kind) {
      case LITERAL:
        return literal.contentEquals(name);
      case EVERYTHING:
        return true;
      case PREFIX:
        return name.length() >= literal.length()
            && startsWith(name, literal)
            && indexOf(name, '/', literal.length()) < 0;
      default:
        return run(name, null);
    }
  }

  /**
   * Matches with the automaton whatever the pattern, and counts the states it visits: the work
   * done, at most the number of states times the name's length plus one.
   */
  long steps(CharSequence name) {
    long[] steps = new long[1];
    run(name, steps);
    return steps[0];
  }

  /** The number of states of the automaton. */
  int states() {
    return op.length;
  }

  private boolean run(CharSequence name, long[] steps) {
    int n = op.length;
    int[] current = new int[n];
    int[] next = new int[n];
    int[] mark = new int[n];
    int[] stack = new int[n];
    int generation = 1;
    int count = addClosure(start, current, 0, mark, generation, stack, steps);
    for (int i = 0; i < name.length() && count > 0; i++) {
      char c = name.charAt(i);
      generation++;
      int nextCount = 0;
      for (int k = 0; k < count; k++) {
        int s = current[k];
        if (accepts(s, c)) {
          nextCount = addClosure(out1[s], next, nextCount, mark, generation, stack, steps);
        }
      }
      int[] swap = current;
      current = next;
      next = swap;
      count = nextCount;
    }
    for (int k = 0; k < count; k++) {
      if (op[current[k]] == MATCH) {
        return true;
      }
    }
    return false;
  }

  private boolean accepts(int state, char c) {
    switch (op[state]) {
      case CHAR:
        return arg[state] == c;
      case ANY_BUT_SLASH:
        return c != '/';
      case ANY:
        return true;
      case CLASS:
        return c != '/' && classes[arg[state]].contains(c);
      default:
        return false;
    }
  }

  /** Adds {@code state} and the states reachable from it without input to {@code list}. */
  private int addClosure(
      int state, int[] list, int count, int[] mark, int generation, int[] stack, long[] steps) {
    int top = 0;
    stack[top++] = state;
    while (top > 0) {
      int s = stack[--top];
      if (mark[s] == generation) {
        continue;
      }
      mark[s] = generation;
      if (steps != null) {
        steps[0]++;
      }
      if (op[s] == SPLIT) {
        // out2 first on the stack, so that out1 is explored first; order does not change the result
        if (mark[out2[s]] != generation) {
          stack[top++] = out2[s];
        }
        if (mark[out1[s]] != generation) {
          stack[top++] = out1[s];
        }
      } else {
        list[count++] = s;
      }
    }
    return count;
  }

  private static String literalPrefix(List<Node> items) {
    StringBuilder prefix = new StringBuilder();
    for (Node item : items) {
      if (!(item instanceof Node.Lit)) {
        break;
      }
      prefix.append(((Node.Lit) item).c());
    }
    return prefix.toString();
  }

  private static boolean startsWith(CharSequence name, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (name.charAt(i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(CharSequence name, char c, int from) {
    for (int i = from; i < name.length(); i++) {
      if (name.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Glob && ((Glob) other).pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  /** The pattern. */
  @Override
  public String toString() {
    return pattern;
  }

  /** The parsed pattern. */
  private interface Node {

    /** {@code *}. */
    Node STAR = new Node() {};

    /** One literal character. */
    record Lit(char c) implements Node {}

    /** {@code ?}. */
    record One() implements Node {}

    /** {@code [...]}. */
    record Cls(CharClass charClass) implements Node {}

    /** {@code **} alone in its sequence: anything. */
    record All() implements Node {}

    /** {@code **}{@code /} at a segment start: zero or more segments, each ending in {@code /}. */
    record Leading() implements Node {}

    /** {@code /**} at the end: nothing, or {@code /} and anything. */
    record Trailing() implements Node {}

    /** {@code {a,b}}. */
    record Alt(List<Seq> alternatives) implements Node {}

    /** A sequence. */
    record Seq(List<Node> items) implements Node {}
  }

  /** A character class: ranges, possibly negated. */
  private record CharClass(char[] from, char[] to, boolean negated) {
    boolean contains(char c) {
      boolean in = false;
      for (int i = 0; i < from.length && !in; i++) {
        in = c >= from[i] && c <= to[i];
      }
      return in != negated;
    }
  }

  /** Recursive descent over the pattern; the depth is bounded by its length. */
  private static final class Parser {
    private final String p;
    private int i;

    Parser(String pattern) {
      this.p = pattern;
    }

    Node.Seq parse() {
      Node.Seq seq = sequence(0, true);
      if (i < p.length()) {
        throw new IllegalStateException("pattern not consumed at " + i);
      }
      return seq;
    }

    /**
     * A sequence up to the end, or (inside braces, {@code depth > 0}) to {@code ,} or {@code }}.
     */
    private Node.Seq sequence(int depth, boolean segmentStart) {
      List<Node> items = new ArrayList<>();
      boolean atSegmentStart = segmentStart;
      while (i < p.length()) {
        char c = p.charAt(i);
        if (depth > 0 && (c == ',' || c == '}')) {
          break;
        }
        switch (c) {
          case '\\':
            if (i + 1 >= p.length()) {
              throw new GlobSyntaxException(p, i, "dangling '\\'");
            }
            items.add(new Node.Lit(p.charAt(i + 1)));
            atSegmentStart = p.charAt(i + 1) == '/';
            i += 2;
            break;
          case '?':
            items.add(new Node.One());
            atSegmentStart = false;
            i++;
            break;
          case '[':
            items.add(new Node.Cls(charClass()));
            atSegmentStart = false;
            break;
          case '{':
            items.add(alternatives(depth, atSegmentStart));
            atSegmentStart = false;
            break;
          case '*':
            atSegmentStart = stars(items, depth, atSegmentStart);
            break;
          default:
            items.add(new Node.Lit(c));
            atSegmentStart = c == '/';
            i++;
        }
      }
      return new Node.Seq(List.copyOf(items));
    }

    /** A run of stars; returns whether the next character starts a segment. */
    private boolean stars(List<Node> items, int depth, boolean atSegmentStart) {
      int from = i;
      while (i < p.length() && p.charAt(i) == '*') {
        i++;
      }
      boolean dstar = i - from >= 2;
      boolean slashNext = i < p.length() && p.charAt(i) == '/';
      boolean endNext =
          i >= p.length() || (depth > 0 && (p.charAt(i) == ',' || p.charAt(i) == '}'));
      if (dstar && atSegmentStart && slashNext) {
        i++;
        items.add(new Node.Leading());
        return true;
      }
      if (dstar && atSegmentStart && endNext) {
        int last = items.size() - 1;
        if (last >= 0 && items.get(last).equals(new Node.Lit('/'))) {
          items.remove(last);
          items.add(new Node.Trailing());
        } else {
          items.add(new Node.All());
        }
        return false;
      }
      items.add(Node.STAR);
      return false;
    }

    private Node.Alt alternatives(int depth, boolean segmentStart) {
      int open = i;
      i++;
      List<Node.Seq> alternatives = new ArrayList<>();
      while (true) {
        alternatives.add(sequence(depth + 1, segmentStart));
        if (i >= p.length()) {
          throw new GlobSyntaxException(p, open, "unclosed '{'");
        }
        char c = p.charAt(i++);
        if (c == '}') {
          return new Node.Alt(List.copyOf(alternatives));
        }
      }
    }

    private CharClass charClass() {
      int open = i;
      i++;
      boolean negated = i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^');
      if (negated) {
        i++;
      }
      StringBuilder from = new StringBuilder();
      StringBuilder to = new StringBuilder();
      boolean first = true;
      while (true) {
        if (i >= p.length()) {
          throw new GlobSyntaxException(p, open, "unclosed '['");
        }
        char c = p.charAt(i);
        if (c == ']' && !first) {
          i++;
          break;
        }
        first = false;
        int at = i;
        char lo = classChar(open);
        char hi = lo;
        if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
          i++;
          hi = classChar(open);
          if (hi < lo) {
            throw new GlobSyntaxException(p, at, "reversed range '" + lo + "-" + hi + "'");
          }
        }
        from.append(lo);
        to.append(hi);
      }
      return new CharClass(from.toString().toCharArray(), to.toString().toCharArray(), negated);
    }

    private char classChar(int open) {
      char c = p.charAt(i);
      if (c == '\\') {
        if (i + 1 >= p.length()) {
          throw new GlobSyntaxException(p, open, "unclosed '['");
        }
        i += 2;
        return p.charAt(i - 1);
      }
      i++;
      return c;
    }
  }

  /** Builds the automaton backwards: each node is compiled with the state that follows it. */
  private static final class Compiler {
    int[] op = new int[16];
    int[] arg = new int[16];
    int[] out1 = new int[16];
    int[] out2 = new int[16];
    int size;
    final List<CharClass> classes = new ArrayList<>();

    int add(int operation, int argument, int first, int second) {
      if (size == op.length) {
        op = Arrays.copyOf(op, size * 2);
        arg = Arrays.copyOf(arg, size * 2);
        out1 = Arrays.copyOf(out1, size * 2);
        out2 = Arrays.copyOf(out2, size * 2);
      }
      op[size] = operation;
      arg[size] = argument;
      out1[size] = first;
      out2[size] = second;
      return size++;
    }

    /** A loop over characters of {@code anyOp}, then {@code next}: {@code x*}. */
    int loop(int anyOp, int next) {
      int split = add(SPLIT, 0, -1, next);
      int any = add(anyOp, 0, split, -1);
      out1[split] = any;
      return split;
    }

    int compile(Node node, int next) {
      if (node instanceof Node.Seq) {
        List<Node> items = ((Node.Seq) node).items();
        int state = next;
        for (int k = items.size() - 1; k >= 0; k--) {
          state = compile(items.get(k), state);
        }
        return state;
      }
      if (node instanceof Node.Lit) {
        return add(CHAR, ((Node.Lit) node).c(), next, -1);
      }
      if (node instanceof Node.One) {
        return add(ANY_BUT_SLASH, 0, next, -1);
      }
      if (node instanceof Node.Cls) {
        classes.add(((Node.Cls) node).charClass());
        return add(CLASS, classes.size() - 1, next, -1);
      }
      if (node == Node.STAR) {
        return loop(ANY_BUT_SLASH, next);
      }
      if (node instanceof Node.All) {
        return loop(ANY, next);
      }
      if (node instanceof Node.Leading) {
        // (.*/)? : skip, or any characters then a slash
        int slash = add(CHAR, '/', next, -1);
        return add(SPLIT, 0, loop(ANY, slash), next);
      }
      if (node instanceof Node.Trailing) {
        // (/.*)? : skip, or a slash then any characters
        int slash = add(CHAR, '/', loop(ANY, next), -1);
        return add(SPLIT, 0, slash, next);
      }
      List<Node.Seq> alternatives = ((Node.Alt) node).alternatives();
      int state = compile(alternatives.get(alternatives.size() - 1), next);
      for (int k = alternatives.size() - 2; k >= 0; k--) {
        state = add(SPLIT, 0, compile(alternatives.get(k), next), state);
      }
      return state;
    }
  }
}

package io.wharf.oci.auth;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import io.wharf.oci.server.Identity;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users of an LDAP directory (OpenLDAP, 389, Active Directory), checked with the UnboundID LDAP SDK
 * the way registries and most web applications do it:
 *
 * <ol>
 *   <li>bind as a service account (or anonymously when none is given);
 *   <li>search for the user under {@linkplain Builder#userBase the user base} with {@linkplain
 *       Builder#userFilter a filter template} such as {@code (uid={0})}, the user name put in
 *       escaped ({@link Filter#encodeValue}), so {@code *)(uid=*} matches nobody: exactly one entry
 *       must match;
 *   <li>bind as the entry's DN with the password (an empty password is refused before any bind:
 *       LDAP servers treat a simple bind with an empty password as an anonymous bind that
 *       succeeds);
 *   <li>look up the groups: the values of {@linkplain Builder#groupsFromAttribute an attribute of
 *       the user} ({@code memberOf}), or {@linkplain Builder#groupSearch a search} such as {@code
 *       (member={dn})} under a group base; a group is named by {@linkplain
 *       Builder#groupNameAttribute an attribute} ({@code cn}).
 * </ol>
 *
 * <p>No entry is {@link Verification.Unknown}; a wrong password, or several entries for one name,
 * is {@link Verification.Rejected}; a server that cannot be reached or times out is an {@link
 * IOException} (not a wrong password). Connections come from a pool (opened at the first login,
 * {@linkplain Builder#poolSize 4 by default}) with {@linkplain Builder#connectTimeout connect} and
 * {@linkplain Builder#responseTimeout response} timeouts; {@code ldaps://} URLs and {@linkplain
 * Builder#startTls StartTLS} use TLS with the JVM's trusted certificates (or {@linkplain
 * Builder#sslContext a given context}) and check the server's host name.
 *
 * <p>Identities are named as the user typed the name, or by {@linkplain Builder#userNameAttribute
 * an attribute of the entry} (so that {@code Alice} and {@code alice} are one user), with the
 * attributes {@code kind=user}, {@code source=ldap} and {@code dn}. Thread-safe; {@link #close()}
 * closes the pool.
 */
public final class LdapDirectory implements PasswordVerifier, Closeable {

  private static final Logger log = LoggerFactory.getLogger(LdapDirectory.class);

  /** The most groups taken from one user. */
  private static final int MAX_GROUPS = 1000;

  private final Builder config;
  private final String host;
  private final int port;
  private final boolean ldaps;
  private @Nullable LDAPConnectionPool pool;
  private boolean closed;

  private LdapDirectory(Builder b) {
    this.config = b;
    URI url = b.url;
    this.ldaps = "ldaps".equals(url.getScheme());
    this.host = Objects.requireNonNull(url.getHost(), "the LDAP URL names a host");
    this.port = url.getPort() > 0 ? url.getPort() : ldaps ? 636 : 389;
  }

  /**
   * A builder for the directory at {@code url} ({@code ldap://host[:port]} or {@code
   * ldaps://host[:port]}).
   */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  @Override
  public Verification verify(String username, String secret) throws IOException {
    if (secret.isEmpty()) {
      return Verification.rejected("an empty LDAP password (an anonymous bind) is refused");
    }
    LDAPConnectionPool p = pool();
    try {
      SearchResultEntry user;
      SearchResult found = search(p, userSearch(username));
      if (found.getEntryCount() == 0) {
        return Verification.unknown();
      }
      if (found.getEntryCount() > 1) {
        return Verification.rejected("several LDAP entries match user " + username);
      }
      user = found.getSearchEntries().get(0);
      try {
        p.bindAndRevertAuthentication(user.getDN(), secret);
      } catch (LDAPException e) {
        if (isUnavailable(e.getResultCode())) {
          throw unavailable(e);
        }
        return Verification.rejected(
            "LDAP refused the bind of " + user.getDN() + ": " + e.getResultCode().getName());
      }
      String name = name(username, user);
      Set<String> groups = groups(p, username, user);
      Identity identity = Identities.user(name, "ldap", groups, Map.of("dn", user.getDN()));
      return Verification.verified(identity);
    } catch (LDAPException e) {
      if (isUnavailable(e.getResultCode())) {
        throw unavailable(e);
      }
      throw new IOException(
          "the LDAP server at " + host + ":" + port + " answered " + e.getResultCode().getName(),
          e);
    }
  }

  private SearchRequest userSearch(String username) throws LDAPException {
    String filter = config.userFilter.replace("{0}", Filter.encodeValue(username));
    SearchRequest r =
        new SearchRequest(
            config.userBase,
            SearchScope.SUB,
            Filter.create(filter),
            attributesForUser().toArray(new String[0]));
    r.setSizeLimit(2);
    return r;
  }

  private Set<String> attributesForUser() {
    Set<String> a = new TreeSet<>();
    config.groupsAttribute.ifPresent(a::add);
    config.userNameAttribute.ifPresent(a::add);
    if (a.isEmpty()) {
      a.add("1.1");
    }
    return a;
  }

  private static SearchResult search(LDAPConnectionPool p, SearchRequest r) throws LDAPException {
    try {
      return p.search(r);
    } catch (LDAPSearchException e) {
      if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
        return e.getSearchResult();
      }
      throw e;
    }
  }

  private String name(String username, SearchResultEntry user) {
    if (config.userNameAttribute.isEmpty()) {
      return username;
    }
    String value = user.getAttributeValue(config.userNameAttribute.get());
    return value != null && Identities.isValidName(value) ? value : username;
  }

  private Set<String> groups(LDAPConnectionPool p, String username, SearchResultEntry user)
      throws LDAPException {
    Set<String> groups = new TreeSet<>();
    if (config.groupsAttribute.isPresent()) {
      String[] values = user.getAttributeValues(config.groupsAttribute.get());
      if (values != null) {
        for (String v : values) {
          add(groups, groupName(v));
        }
      }
    }
    if (config.groupBase.isPresent()) {
      String filter =
          config
              .groupFilter
              .replace("{dn}", Filter.encodeValue(user.getDN()))
              .replace("{0}", Filter.encodeValue(username));
      SearchRequest r =
          new SearchRequest(
              config.groupBase.get(),
              SearchScope.SUB,
              Filter.create(filter),
              config.groupNameAttribute);
      r.setSizeLimit(MAX_GROUPS);
      for (SearchResultEntry g : search(p, r).getSearchEntries()) {
        String value = g.getAttributeValue(config.groupNameAttribute);
        add(groups, value != null ? value : g.getDN());
      }
    }
    return groups;
  }

  /**
   * The name of the group {@code value} (a DN, as {@code memberOf} holds): the value of its first
   * RDN when that is the group name attribute ({@code cn=devs,ou=groups,...} is {@code devs}), else
   * the value itself.
   */
  private String groupName(String value) {
    try {
      RDN rdn = new DN(value).getRDN();
      if (rdn != null) {
        String[] names = rdn.getAttributeNames();
        if (names.length == 1 && names[0].equalsIgnoreCase(config.groupNameAttribute)) {
          return rdn.getAttributeValues()[0];
        }
      }
    } catch (LDAPException e) {
      log.debug("A group value is not a DN, taken as it is: {}", e.getResultCode());
    }
    return value;
  }

  private static void add(Set<String> groups, String name) {
    if (groups.size() < MAX_GROUPS && Identities.isValidName(name)) {
      groups.add(name);
    }
  }

  private synchronized LDAPConnectionPool pool() throws IOException {
    if (closed) {
      throw new IOException("the LDAP directory at " + host + ":" + port + " is closed");
    }
    if (pool != null) {
      return pool;
    }
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    options.setConnectTimeoutMillis((int) config.connectTimeout.toMillis());
    options.setResponseTimeoutMillis(config.responseTimeout.toMillis());
    options.setUseSynchronousMode(true);
    SSLContext tls = null;
    if (ldaps || config.startTls) {
      tls = sslContext();
      options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
    }
    SocketFactory sockets = ldaps ? tls.getSocketFactory() : SocketFactory.getDefault();
    BindRequest bind =
        config.bindDn.isEmpty()
            ? null
            : new SimpleBindRequest(config.bindDn.get(), config.bindPassword);
    try {
      LDAPConnectionPool p =
          config.startTls
              ? new LDAPConnectionPool(
                  new SingleServerSet(host, port, sockets, options),
                  bind,
                  1,
                  config.poolSize,
                  new StartTLSPostConnectProcessor(tls.getSocketFactory()))
              : new LDAPConnectionPool(
                  new SingleServerSet(host, port, sockets, options), bind, 1, config.poolSize);
      p.setRetryFailedOperationsDueToInvalidConnections(true);
      pool = p;
      log.info("Connected to the LDAP directory at {}:{}", host, port);
      return p;
    } catch (LDAPException e) {
      throw unavailable(e);
    }
  }

  private SSLContext sslContext() throws IOException {
    if (config.sslContext.isPresent()) {
      return config.sslContext.get();
    }
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("no TLS for the LDAP directory", e);
    }
  }

  private static boolean isUnavailable(ResultCode code) {
    return code.isConnectionUsable() == false
        || code == ResultCode.TIMEOUT
        || code == ResultCode.BUSY
        || code == ResultCode.UNAVAILABLE
        || code == ResultCode.CONNECT_ERROR
        || code == ResultCode.SERVER_DOWN;
  }

  private IOException unavailable(LDAPException e) {
    return new IOException(
        "the LDAP server at "
            + host
            + ":"
            + port
            + " cannot be used: "
            + e.getResultCode().getName().toLowerCase(Locale.ROOT),
        e);
  }

  /** Closes the connections. */
  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }

  /** Names the server, never the service password. */
  @Override
  public String toString() {
    return "LdapDirectory[" + (ldaps ? "ldaps" : "ldap") + "://" + host + ":" + port + "]";
  }

  /** Configures an {@link LdapDirectory}. */
  public static final class Builder {
    private final URI url;
    private Optional<String> bindDn = Optional.empty();
    private String bindPassword = "";
    private String userBase = "";
    private String userFilter = "(uid={0})";
    private Optional<String> userNameAttribute = Optional.empty();
    private Optional<String> groupsAttribute = Optional.empty();
    private Optional<String> groupBase = Optional.empty();
    private String groupFilter = "(member={dn})";
    private String groupNameAttribute = "cn";
    private boolean startTls;
    private Optional<SSLContext> sslContext = Optional.empty();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration responseTimeout = Duration.ofSeconds(10);
    private int poolSize = 4;

    private Builder(URI url) {
      Objects.requireNonNull(url, "url");
      if (!"ldap".equals(url.getScheme()) && !"ldaps".equals(url.getScheme())
          || url.getHost() == null) {
        throw new IllegalArgumentException(
            "an LDAP URL is ldap://host[:port] or ldaps://host[:port]");
      }
      this.url = url;
    }

    /** Binds as {@code dn} with {@code password} to search (default: anonymously). */
    public Builder bind(String dn, String password) {
      this.bindDn = Optional.of(checkDn(dn));
      this.bindPassword = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Where users are searched (default: the root). */
    public Builder userBase(String baseDn) {
      this.userBase = checkDn(baseDn);
      return this;
    }

    /**
     * The filter that finds a user, {@code {0}} standing for the escaped user name (default {@code
     * (uid={0})}; Active Directory: {@code (sAMAccountName={0})}).
     */
    public Builder userFilter(String template) {
      this.userFilter = checkFilter(template, "{0}");
      return this;
    }

    /**
     * Names identities by this attribute of the user's entry (for example {@code uid}) rather than
     * as the user typed the name.
     */
    public Builder userNameAttribute(String attribute) {
      this.userNameAttribute = Optional.of(Objects.requireNonNull(attribute, "attribute"));
      return this;
    }

    /** Takes groups from this attribute of the user's entry, for example {@code memberOf}. */
    public Builder groupsFromAttribute(String attribute) {
      this.groupsAttribute = Optional.of(Objects.requireNonNull(attribute, "attribute"));
      return this;
    }

    /**
     * Searches groups under {@code baseDn} with {@code template}, {@code {dn}} standing for the
     * user's DN and {@code {0}} for the user name, both escaped (for example {@code (member={dn})}
     * or {@code (memberUid={0})}).
     */
    public Builder groupSearch(String baseDn, String template) {
      this.groupBase = Optional.of(checkDn(baseDn));
      this.groupFilter = checkFilter(template, null);
      return this;
    }

    /** The attribute that names a group (default {@code cn}). */
    public Builder groupNameAttribute(String attribute) {
      this.groupNameAttribute = Objects.requireNonNull(attribute, "attribute");
      return this;
    }

    /** Whether to upgrade {@code ldap://} connections with StartTLS (default no). */
    public Builder startTls(boolean startTls) {
      this.startTls = startTls;
      return this;
    }

    /** The TLS context for {@code ldaps://} and StartTLS (default: the JVM's). */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Optional.of(Objects.requireNonNull(sslContext, "sslContext"));
      return this;
    }

    /** How long connecting may take (default 5 seconds). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout);
      return this;
    }

    /** How long a search or bind may take (default 10 seconds). */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout);
      return this;
    }

    /** The most connections kept open (default 4). */
    public Builder poolSize(int size) {
      if (size < 1 || size > 100) {
        throw new IllegalArgumentException("the pool size is 1 to 100");
      }
      this.poolSize = size;
      return this;
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a timeout is positive");
      }
      return d;
    }

    private static String checkDn(String dn) {
      try {
        new DN(Objects.requireNonNull(dn, "dn"));
        return dn;
      } catch (LDAPException e) {
        throw new IllegalArgumentException("not a DN: " + dn);
      }
    }

    private static String checkFilter(String template, @Nullable String required) {
      Objects.requireNonNull(template, "template");
      if (required != null && !template.contains(required)) {
        throw new IllegalArgumentException("the filter template has no " + required);
      }
      try {
        Filter.create(template.replace("{0}", "x").replace("{dn}", "x"));
      } catch (LDAPException e) {
        throw new IllegalArgumentException("not an LDAP filter: " + template);
      }
      return template;
    }

    /**
     * The directory; it connects at the first login. Later changes to this builder do not reach it.
     */
    public LdapDirectory build() {
      Builder copy = new Builder(url);
      copy.bindDn = bindDn;
      copy.bindPassword = bindPassword;
      copy.userBase = userBase;
      copy.userFilter = userFilter;
      copy.userNameAttribute = userNameAttribute;
      copy.groupsAttribute = groupsAttribute;
      copy.groupBase = groupBase;
      copy.groupFilter = groupFilter;
      copy.groupNameAttribute = groupNameAttribute;
      copy.startTls = startTls;
      copy.sslContext = sslContext;
      copy.connectTimeout = connectTimeout;
      copy.responseTimeout = responseTimeout;
      copy.poolSize = poolSize;
      return new LdapDirectory(copy);
    }
  }
}

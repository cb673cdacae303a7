package dev.appcare.optin;

import dev.appcare.runtime.AppConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The API keys callers authenticate with, from configuration. Several may be configured (one per
 * calling system, so that one can be rotated or revoked alone), each with its permissions:
 *
 * <pre>
 * optin.auth.key.booking-site.secret=...          # the key itself (at least 32 characters), or
 * optin.auth.key.booking-site.sha256=...          # its SHA-256 in hex, so the file holds no secret
 * optin.auth.key.booking-site.permissions=read,write
 * </pre>
 *
 * A key's name is for logs and metrics only; in the environment its {@code -} is written {@code _}
 * ({@code APPCARE_OPTIN_AUTH_KEY_BOOKING_SITE_SECRET}), so a file can hold the permissions and the
 * environment the secret.
 *
 * A presented key is hashed and compared with every configured hash in constant time
 * ({@link MessageDigest#isEqual}), without stopping at the first match, so response timing tells an
 * attacker nothing about how close a guess was or which key matched.
 */
final class ApiKeys {
    static final String PREFIX = "optin.auth.key.";
    static final int MIN_SECRET_LENGTH = 32;

    /** An authenticated caller: the configured key name (never the key) and what it may do. */
    record Caller(String name, Set<Permission> permissions) {
        Caller {
            permissions = Set.copyOf(permissions);
        }

        boolean may(Permission permission) {
            return permissions.contains(permission);
        }
    }

    private record Key(Caller caller, byte[] sha256) {
    }

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no API keys configured: the opt-in API never accepts anonymous calls. "
                    + "Configure at least one, e.g. " + PREFIX + "booking-site.secret and "
                    + PREFIX + "booking-site.permissions=read,write (env " + AppConfig.envName(PREFIX + "booking-site.secret") + ")");
        }
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                if (Arrays.equals(keys.get(i).sha256(), keys.get(j).sha256())) {
                    throw new IllegalArgumentException("API keys '" + keys.get(i).caller().name() + "' and '"
                            + keys.get(j).caller().name() + "' are the same key: give each caller its own");
                }
            }
        }
        this.keys = List.copyOf(keys);
    }

    static ApiKeys fromConfig(AppConfig config) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        config.withPrefix(PREFIX).forEach((rest, value) -> {
            int dot = rest.lastIndexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("configuration '" + PREFIX + rest + "': expected "
                        + PREFIX + "<name>.secret, .sha256 or .permissions");
            }
            // APPCARE_OPTIN_AUTH_KEY_BOOKING_SITE_SECRET arrives as optin.auth.key.booking.site.secret: a dot
            // in a name is read as '-', so the file's booking-site and the environment's meet.
            String name = rest.substring(0, dot).replace('.', '-');
            byName.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(rest.substring(dot + 1), value);
        });
        List<Key> keys = new ArrayList<>();
        byName.forEach((name, attributes) -> keys.add(key(name, attributes)));
        return new ApiKeys(keys);
    }

    private static Key key(String name, Map<String, String> attributes) {
        String where = PREFIX + name;
        for (String attribute : attributes.keySet()) {
            if (!Set.of("secret", "sha256", "permissions").contains(attribute)) {
                throw new IllegalArgumentException("configuration '" + where + "." + attribute
                        + "': unknown attribute (known: secret, sha256, permissions)");
            }
        }
        String secret = attributes.get("secret");
        String hex = attributes.get("sha256");
        if ((secret == null) == (hex == null)) {
            throw new IllegalArgumentException("API key '" + name + "' needs exactly one of " + where + ".secret or " + where + ".sha256");
        }
        byte[] hash;
        if (secret != null) {
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("API key '" + name + "' is too short: use at least "
                        + MIN_SECRET_LENGTH + " random characters (e.g. openssl rand -base64 33)");
            }
            hash = sha256(secret);
        } else {
            try {
                hash = HexFormat.of().parseHex(hex.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".sha256 is not hex: " + e.getMessage());
            }
            if (hash.length != 32) {
                throw new IllegalArgumentException(where + ".sha256 must be 64 hex digits (a SHA-256)");
            }
        }
        String permissionList = attributes.get("permissions");
        if (permissionList == null || permissionList.isBlank()) {
            throw new IllegalArgumentException("API key '" + name + "' has no " + where + ".permissions (e.g. read,write)");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        Arrays.stream(permissionList.split(",")).filter(p -> !p.isBlank()).map(Permission::fromConfig).forEach(permissions::add);
        return new Key(new Caller(name, permissions), hash);
    }

    /** The caller a presented key belongs to, if any. Always compares against every key. */
    Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented);
        Caller match = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(hash, key.sha256()) && match == null) {
                match = key.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    List<String> names() {
        return keys.stream().map(k -> k.caller().name()).toList();
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.runtime.AppConfig;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    static final String BOOKING = "booking-site-key-0123456789abcdefghijkl";
    static final String SUPPORT = "support-desk-key-0123456789abcdefghijkl";
    static final String PRIVACY = "privacy-team-key-0123456789abcdefghijkl";

    private final ApiKeys keys = ApiKeys.fromConfig(AppConfig.of(Map.of(
            "optin.auth.key.booking-site.secret", BOOKING,
            "optin.auth.key.booking-site.permissions", "read, write",
            "optin.auth.key.support.secret", SUPPORT,
            "optin.auth.key.support.permissions", "read",
            "optin.auth.key.privacy.team.sha256", HexFormat.of().formatHex(ApiKeys.sha256(PRIVACY)),
            "optin.auth.key.privacy.team.permissions", "erase")));

    @Test
    void shouldRecogniseEachConfiguredKeyWithItsPermissions() {
        assertThat(keys.authenticate(BOOKING)).hasValueSatisfying(caller -> {
            assertThat(caller.name()).isEqualTo("booking-site");
            assertThat(caller.permissions()).containsExactlyInAnyOrder(Permission.READ, Permission.WRITE);
        });
        assertThat(keys.authenticate(SUPPORT)).hasValueSatisfying(caller -> assertThat(caller.may(Permission.WRITE)).isFalse());
        assertThat(keys.authenticate(PRIVACY)).hasValueSatisfying(caller -> {
            assertThat(caller.name()).isEqualTo("privacy-team");
            assertThat(caller.permissions()).containsExactly(Permission.ERASE);
        });
    }

    @Test
    void shouldRejectUnknownEmptyAndAlmostRightKeys() {
        assertThat(keys.authenticate(null)).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(BOOKING + "x")).isEmpty();
        assertThat(keys.authenticate(BOOKING.substring(1))).isEmpty();
        assertThat(keys.authenticate(BOOKING.toUpperCase())).isEmpty();
    }

    @Test
    void shouldNeverStartWithoutKeys() {
        assertThatThrownBy(() -> ApiKeys.fromConfig(AppConfig.of(Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("anonymous");
    }

    @Test
    void shouldRefuseShortSecrets() {
        assertThatThrownBy(() -> ApiKeys.fromConfig(AppConfig.of(Map.of(
                "optin.auth.key.a.secret", "short", "optin.auth.key.a.permissions", "read"))))
                .hasMessageContaining("too short");
    }

    @Test
    void shouldRefuseKeysWithoutPermissionsOrWithUnknownOnes() {
        assertThatThrownBy(() -> ApiKeys.fromConfig(AppConfig.of(Map.of("optin.auth.key.a.secret", BOOKING))))
                .hasMessageContaining("permissions");
        assertThatThrownBy(() -> ApiKeys.fromConfig(AppConfig.of(Map.of(
                "optin.auth.key.a.secret", BOOKING, "optin.auth.key.a.permissions", "read,admin"))))
                .hasMessageContaining("admin");
    }

    @Test
    void shouldRefuseTheSameKeyUnderTwoNames() {
        assertThatThrownBy(() -> ApiKeys.fromConfig(AppConfig.of(Map.of(
                "optin.auth.key.a.secret", BOOKING, "optin.auth.key.a.permissions", "read",
                "optin.auth.key.b.secret", BOOKING, "optin.auth.key.b.permissions", "read,write,erase"))))
                .hasMessageContaining("same key");
    }

    @Test
    void shouldCombineAKeysPermissionsFromTheFileWithItsSecretFromTheEnvironment() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("optin", ".properties");
        try {
            java.nio.file.Files.writeString(file, "optin.auth.key.booking-site.permissions=read,write\n");
            ApiKeys combined = ApiKeys.fromConfig(AppConfig.load(file,
                    Map.of("APPCARE_OPTIN_AUTH_KEY_BOOKING_SITE_SECRET", BOOKING), Map.of()));

            assertThat(combined.authenticate(BOOKING)).hasValueSatisfying(c -> {
                assertThat(c.name()).isEqualTo("booking-site");
                assertThat(c.may(Permission.WRITE)).isTrue();
            });
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void shouldReadKeysFromTheEnvironment() {
        ApiKeys fromEnv = ApiKeys.fromConfig(AppConfig.load(null, Map.of(
                "APPCARE_OPTIN_AUTH_KEY_BOOKING_SECRET", BOOKING,
                "APPCARE_OPTIN_AUTH_KEY_BOOKING_PERMISSIONS", "read,write"), Map.of()));

        assertThat(fromEnv.authenticate(BOOKING)).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("booking"));
    }
}

package dev.appcare.optin;

import java.util.Locale;

/** What an API key may do. Keys get a set of these in configuration ({@code read,write,erase}). */
public enum Permission {
    /** Read a traveller's current preference. */
    READ,
    /** Opt in, change preferences, opt out. */
    WRITE,
    /** Erase a traveller (GDPR). Separate from WRITE: erasure also destroys the opt-out evidence. */
    ERASE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Permission fromConfig(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown permission '" + value.trim() + "' (known: read, write, erase)");
        }
    }
}

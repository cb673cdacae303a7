package dev.appcare.optin;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a traveller's phone number and normalises it to E.164 with libphonenumber. Accepts the
 * international form ({@code +31 6 1234 5678}, {@code 0031 6...} with a region) and the national form
 * with a region hint ({@code 06 12345678} + {@code NL}). Refuses numbers libphonenumber knows are not
 * mobile (fixed line, toll free, premium rate, ...): WhatsApp needs a mobile number. Where a numbering
 * plan cannot tell fixed from mobile (the US, Canada) the number is accepted.
 */
final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Set<PhoneNumberType> WHATSAPP_CAPABLE =
            Set.of(PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE);
    /** Longer than any phone number with formatting; keeps pathological input away from the parser. */
    private static final int MAX_INPUT_LENGTH = 40;
    /** libphonenumber would read letters as a vanity number (1-800-FLOWERS); a traveller's number has none. */
    private static final Pattern ALLOWED = Pattern.compile("\\+?[0-9 ()./-]+");

    /** A failed validation: which field is at fault ({@code phone} or {@code region}) and why. */
    record Rejection(String field, String reason) {
    }

    /** Either the E.164 number or why not. */
    record Result(String e164, Rejection rejection) {
        boolean valid() {
            return rejection == null;
        }
    }

    private PhoneNumbers() {
    }

    /**
     * @param raw    the number as typed
     * @param region ISO 3166-1 alpha-2 region to read a national number in (may be null when the
     *               number is in international form)
     */
    static Result normalise(String raw, String region) {
        String regionCode = null;
        if (region != null) {
            regionCode = region.trim().toUpperCase(Locale.ROOT);
            if (!UTIL.getSupportedRegions().contains(regionCode)) {
                return reject("region", "'" + region + "' is not a known ISO 3166-1 alpha-2 region code");
            }
        }
        if (raw == null || raw.isBlank()) {
            return reject("phone", "is required");
        }
        if (raw.length() > MAX_INPUT_LENGTH) {
            return reject("phone", "is longer than " + MAX_INPUT_LENGTH + " characters");
        }
        String trimmed = raw.strip();
        if (!trimmed.startsWith("+") && regionCode == null) {
            return reject("phone", "is not in international format (+<country code>...); "
                    + "send a national number together with 'region', e.g. \"region\": \"NL\"");
        }
        if (!ALLOWED.matcher(trimmed).matches()) {
            return reject("phone", "may only contain digits, spaces and + ( ) - . /");
        }
        PhoneNumber number;
        try {
            number = UTIL.parse(trimmed, regionCode == null ? "ZZ" : regionCode);
        } catch (NumberParseException e) {
            return reject("phone", "is not a phone number (" + describe(e.getErrorType()) + ")");
        }
        if (number.hasExtension()) {
            return reject("phone", "has an extension; WhatsApp needs a mobile number");
        }
        if (!UTIL.isValidNumber(number)) {
            return reject("phone", "is not a valid number" + Optional.ofNullable(UTIL.getRegionCodeForCountryCode(number.getCountryCode()))
                    .filter(r -> !"ZZ".equals(r)).map(r -> " for region " + r).orElse(""));
        }
        PhoneNumberType type = UTIL.getNumberType(number);
        if (!WHATSAPP_CAPABLE.contains(type)) {
            return reject("phone", "is a " + type.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " number; WhatsApp needs a mobile number");
        }
        return new Result(UTIL.format(number, PhoneNumberFormat.E164), null);
    }

    private static String describe(NumberParseException.ErrorType type) {
        return switch (type) {
            case INVALID_COUNTRY_CODE -> "unknown country code";
            case NOT_A_NUMBER -> "not a number";
            case TOO_SHORT_AFTER_IDD, TOO_SHORT_NSN -> "too short";
            case TOO_LONG -> "too long";
        };
    }

    private static Result reject(String field, String reason) {
        return new Result(null, new Rejection(field, reason));
    }
}

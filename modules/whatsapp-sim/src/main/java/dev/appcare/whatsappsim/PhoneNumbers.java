package dev.appcare.whatsappsim;

import java.util.regex.Pattern;

/** Phone numbers as WhatsApp reads them: the {@code to} of a send request, and wa_id digits for lookups. */
final class PhoneNumbers {

    /** Digits with or without a leading +, 8–15 digits, no leading 0 (E.164). */
    private static final Pattern E164 = Pattern.compile("\\+?[1-9][0-9]{7,14}");

    private PhoneNumbers() {
    }

    /** The recipient's digits (wa_id form), or null when {@code to} is absent or not a plausible number. */
    static String recipientDigits(String to) {
        if (to == null) {
            return null;
        }
        String t = to.trim();
        if (!E164.matcher(t).matches()) {
            return null;
        }
        return t.startsWith("+") ? t.substring(1) : t;
    }

    /** Normalises a phone number given by a test or an admin call to wa_id digits (keeps only digits). */
    static String digitsOnly(String phone) {
        return phone == null ? "" : phone.replaceAll("[^0-9]", "");
    }
}

package dev.appcare.ops.rules;

/**
 * Masks phone numbers in what the ops tools print: {@code +31612345678} becomes {@code +31*******78}.
 * The country code and the last two digits stay, so a person can tell numbers apart without reading them.
 */
public final class PhoneMask {

    private PhoneMask() {
    }

    public static String mask(String phone) {
        if (phone == null) {
            return null;
        }
        String p = phone.trim();
        if (p.length() <= 5) {
            return "*".repeat(p.length());
        }
        int keepStart = p.startsWith("+") ? 3 : 2;
        return p.substring(0, keepStart) + "*".repeat(p.length() - keepStart - 2) + p.substring(p.length() - 2);
    }

    /** Masks every E.164-looking number inside free text (error titles, reasons). */
    public static String maskIn(String text) {
        if (text == null) {
            return null;
        }
        return java.util.regex.Pattern.compile("\\+?\\d{8,15}").matcher(text).replaceAll(m -> mask(m.group()));
    }
}

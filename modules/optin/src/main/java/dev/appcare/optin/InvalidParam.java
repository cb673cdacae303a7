package dev.appcare.optin;

/**
 * One field at fault in a request, as listed in a problem response's {@code invalid-params}.
 *
 * @param name   the field, as a JSON path relative to the body ({@code consent.givenAt}, {@code kinds[1]})
 *               or the name of a path parameter or header ({@code pnr}, {@code Authorization})
 * @param reason what is wrong with it, for a person
 */
public record InvalidParam(String name, String reason) {
}

package dev.appcare.app.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appcare.whatsappsim.SentMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The demo's page on 127.0.0.1: the day's counts, lag per role, the sender against its ceiling, a
 * WhatsApp-style preview of what one traveller received, and a trace by booking reference.
 *
 * <p>The JDK's own HTTP server (as {@code HealthServer} uses): one page and one form need no web
 * framework. The page is rendered on the server as plain HTML with inline SVG bars and reloads itself
 * every few seconds: no JavaScript, no chart library, nothing fetched from the internet (the demo runs
 * offline), and what a browser shows is exactly what {@code chromium --dump-dom} prints, which is how
 * {@code scripts/demo-page-check} tests it.
 */
public final class DashboardServer implements AutoCloseable {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.of("Europe/Amsterdam"));

    /** The chosen traveller of the preview. */
    public record Chosen(String name, String travellerKey, String bookingRef, String maskedPhone, String locale) {
    }

    /** Everything the page shows, as of now. */
    public record View(String phase, double progress, DayTally.Counts counts, Map<String, Long> lag,
                       Map<String, Long> notifierSkipped, double senderCeiling, Chosen chosen) {
    }

    /** Where the page's content comes from. */
    public interface Source {
        View view();

        List<SentMessage> preview();

        /** The trace of every traveller on the booking, as {@code appcare ops trace} prints it. */
        String trace(String bookingRef) throws Exception;
    }

    private final HttpServer server;
    private final Source source;

    public DashboardServer(String host, int port, Source source) throws IOException {
        this.source = source;
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "appcare-demo-page");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::page);
        server.createContext("/trace", this::trace);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            respond(exchange, 404, "text/plain", "not found");
            return;
        }
        String html;
        try {
            html = render(source.view(), source.preview());
        } catch (RuntimeException e) {
            respond(exchange, 500, "text/plain", "the page could not be rendered: " + e.getMessage());
            return;
        }
        respond(exchange, 200, "text/html; charset=utf-8", html);
    }

    private void trace(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String ref = "";
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("ref=")) {
                    ref = URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8).trim().toUpperCase(Locale.ROOT);
                }
            }
        }
        StringBuilder b = new StringBuilder(head("AppCare demo: trace", false));
        b.append("<h1>Trace of booking <span id=\"ref\">").append(esc(ref)).append("</span></h1><p><a href=\"/\">back</a></p>");
        if (!ref.matches("[A-Z0-9]{5,12}")) {
            b.append("<p class=\"bad\">A booking reference is 5 to 12 letters and digits.</p>");
        } else {
            try {
                String text = source.trace(ref);
                b.append(text.isBlank() ? "<p id=\"empty\">Nothing on the topics for this booking.</p>"
                        : "<pre id=\"trace\">" + esc(text) + "</pre>");
            } catch (Exception e) {
                b.append("<p class=\"bad\">The trace failed: ").append(esc(String.valueOf(e.getMessage()))).append("</p>");
            }
        }
        respond(exchange, 200, "text/html; charset=utf-8", b.append("</body></html>").toString());
    }

    static String render(View v, List<SentMessage> preview) {
        DayTally.Counts c = v.counts();
        StringBuilder b = new StringBuilder(head("AppCare demo: a day at Schiphol", true));
        b.append("<h1>AppCare — a day at Schiphol</h1>");
        b.append("<p class=\"phase\">").append(esc(v.phase())).append(" · day ")
                .append(count("progress", Math.round(v.progress() * 100))).append("% done</p>");
        b.append("<div class=\"grid\"><div class=\"col\">");

        b.append("<section><h2>Flow</h2><table>");
        row(b, "events in", "events", c.eventsTotal());
        row(b, "requests out", "requests", c.requests());
        row(b, "accepted by WhatsApp", "accepted", c.accepted());
        row(b, "delivered", "delivered", c.delivered());
        row(b, "read", "read", c.read());
        row(b, "failed (webhook)", "failed", c.failed());
        row(b, "suppressed by the sender", "suppressed", c.suppressedTotal());
        row(b, "dead-lettered", "dead-lettered", c.deadLettered());
        row(b, "redriven by ops", "redriven", c.redriven());
        b.append("</table></section>");

        b.append("<section><h2>By kind</h2>").append(kindChart(c.byKind())).append("</section>");

        b.append("<section><h2>Suppressed, by reason</h2><table>");
        c.suppressed().forEach((reason, n) -> row(b, "sender: " + reason, "suppressed-" + reason, n));
        v.notifierSkipped().forEach((reason, n) -> row(b, "notifier: " + reason, "skipped-" + reason, n));
        b.append("</table><p class=\"note\">The sender drops a request it must not send (superseded, expired, opted out, "
                + "duplicate); the notifier counts each passenger it had nothing to send to.</p></section>");

        b.append("<section><h2>Lag per role</h2><table>");
        v.lag().forEach((role, n) -> row(b, role, "lag-" + role, n));
        b.append("</table></section>");

        b.append("<section><h2>Sender against its ceiling</h2>").append(gauge(c.acceptedPerSecond(), v.senderCeiling()))
                .append("</section>");
        b.append("<section><h2>Trace a booking</h2><form action=\"/trace\" method=\"get\"><input name=\"ref\" placeholder=\"booking reference\" value=\"")
                .append(esc(v.chosen() == null ? "" : v.chosen().bookingRef()))
                .append("\"> <button type=\"submit\">trace</button></form></section>");
        b.append("</div><div class=\"col\">");
        b.append(phone(v.chosen(), preview));
        b.append("</div></div></body></html>");
        return b.toString();
    }

    private static String phone(Chosen chosen, List<SentMessage> preview) {
        StringBuilder b = new StringBuilder();
        if (chosen == null) {
            return "<section id=\"preview\" data-messages=\"0\"><h2>Preview</h2><p>No traveller chosen.</p></section>";
        }
        b.append("<section id=\"preview\" data-traveller=\"").append(esc(chosen.travellerKey())).append("\" data-messages=\"")
                .append(preview.size()).append("\"><h2>What ").append(esc(chosen.name())).append(" received</h2>")
                .append("<p class=\"note\">").append(esc(chosen.travellerKey())).append(" · ").append(esc(chosen.maskedPhone()))
                .append(" · locale ").append(esc(chosen.locale())).append("</p><div class=\"phone\"><div class=\"bar\">KLM Royal Dutch Airlines ✓</div><div class=\"chat\">");
        for (SentMessage m : preview) {
            // The message id (biz_opaque_callback_data, S4) lets scripts/demo-page-check match each bubble to the trace.
            b.append("<div class=\"bubble\" data-template=\"").append(esc(m.templateName())).append("\" data-language=\"")
                    .append(esc(m.language())).append("\" data-message-id=\"").append(esc(m.bizOpaqueCallbackData())).append("\">");
            if (m.documentLink() != null || m.documentId() != null) {
                b.append("<a class=\"doc\" href=\"").append(esc(m.documentLink() == null ? "#" : m.documentLink())).append("\">")
                        .append(esc(m.documentFilename() == null ? "document.pdf" : m.documentFilename())).append("<br><small>PDF</small></a>");
            }
            String text = m.text() != null ? m.text() : String.join(" · ", m.bodyParameters());
            b.append("<div class=\"text\">").append(esc(text)).append("</div><div class=\"meta\">")
                    .append(esc(m.templateName())).append(" [").append(esc(m.language())).append("] ")
                    .append(CLOCK.format(m.acceptedAt())).append(" ✓✓</div></div>");
        }
        return b.append("</div></div></section>").toString();
    }

    /** Horizontal bars per kind: requested, accepted, delivered, read, suppressed, dead (plain SVG). */
    private static String kindChart(Map<String, Map<String, Long>> byKind) {
        String[] series = {"requested", "accepted", "delivered", "read", "suppressed", "dead", "failed"};
        String[] colours = {"#9aa5b1", "#2b8a3e", "#1c7ed6", "#5f3dc4", "#e8590c", "#c92a2a", "#862e9c"};
        long max = byKind.values().stream().mapToLong(m -> m.getOrDefault("requested", 0L)).max().orElse(1);
        int rowHeight = 14 * series.length + 10;
        StringBuilder b = new StringBuilder("<svg class=\"chart\" width=\"620\" height=\"")
                .append(byKind.size() * rowHeight + 30).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        int y = 0;
        for (var e : byKind.entrySet()) {
            b.append("<text x=\"0\" y=\"").append(y + 12).append("\" class=\"kind\">").append(esc(e.getKey())).append("</text>");
            for (int i = 0; i < series.length; i++) {
                long n = e.getValue().getOrDefault(series[i], 0L);
                int width = (int) Math.round(300.0 * n / Math.max(1, max));
                int top = y + 16 + i * 12 - 12;
                b.append("<rect x=\"150\" y=\"").append(top).append("\" width=\"").append(width).append("\" height=\"10\" fill=\"")
                        .append(colours[i]).append("\"/><text x=\"").append(155 + width).append("\" y=\"").append(top + 9)
                        .append("\" class=\"n\" data-kind=\"").append(esc(e.getKey())).append("\" data-series=\"").append(series[i])
                        .append("\">").append(series[i]).append(' ').append(n).append("</text>");
            }
            y += rowHeight;
        }
        return b.append("</svg>").toString();
    }

    private static String gauge(double rate, double ceiling) {
        double share = ceiling > 0 ? Math.min(1, rate / ceiling) : 0;
        return "<svg width=\"420\" height=\"34\" xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"0\" y=\"4\" width=\"400\" height=\"16\" fill=\"#e9ecef\"/>"
                + "<rect x=\"0\" y=\"4\" width=\"" + Math.round(400 * share) + "\" height=\"16\" fill=\"#2b8a3e\"/></svg>"
                + "<p><span id=\"sender-rate\" data-value=\"" + Math.round(rate) + "\">" + Math.round(rate)
                + "</span> accepted/s over the last 5 s, ceiling <span id=\"sender-ceiling\" data-value=\"" + Math.round(ceiling)
                + "\">" + Math.round(ceiling) + "</span> msg/s (sender.rate.per-second)</p>";
    }

    private static void row(StringBuilder b, String label, String id, long n) {
        b.append("<tr><th>").append(esc(label)).append("</th><td>").append(count(id, n)).append("</td></tr>");
    }

    private static String count(String id, long n) {
        return "<span class=\"count\" id=\"" + esc(id) + "\" data-value=\"" + n + "\">" + String.format(Locale.ROOT, "%,d", n) + "</span>";
    }

    private static String head(String title, boolean refresh) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
                + (refresh ? "<meta http-equiv=\"refresh\" content=\"3\">" : "")
                + "<style>body{font-family:DejaVu Sans,sans-serif;margin:16px;color:#212529;background:#f8f9fa}"
                + "h1{font-size:20px;margin:0 0 4px}h2{font-size:14px;margin:0 0 6px}.grid{display:flex;gap:16px}"
                + ".col{flex:1}section{background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:8px 12px;margin-bottom:10px}"
                + "table{border-collapse:collapse}th{text-align:left;font-weight:normal;padding:1px 16px 1px 0}td{text-align:right;font-weight:bold}"
                + ".note{color:#6c757d;font-size:11px}.phase{color:#495057}.chart text{font-size:10px}.kind{font-weight:bold}"
                + ".phone{width:360px;border:8px solid #343a40;border-radius:24px;overflow:hidden;background:#efeae2}"
                + ".bar{background:#075e54;color:#fff;padding:10px;font-weight:bold}.chat{padding:8px}"
                + ".bubble{background:#fff;border-radius:8px;padding:6px 8px;margin:6px 0;max-width:300px;box-shadow:0 1px 1px #0002;font-size:12px}"
                + ".doc{display:block;background:#f1f3f5;border-radius:6px;padding:8px;margin-bottom:4px;color:#212529;text-decoration:none}"
                + ".meta{color:#868e96;font-size:10px;text-align:right}.bad{color:#c92a2a}pre{font-size:11px;white-space:pre-wrap}</style></head><body>";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

package dev.appcare.sender;

import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.sender.cloudapi.CloudApiClient;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The business numbers of this deployment ({@link NumberChannel} each), their router and portfolios. */
final class NumberChannels implements AutoCloseable {
    private final Map<String, NumberChannel> channels = new LinkedHashMap<>();
    private final Map<String, MessagingLimit> portfolios = new LinkedHashMap<>();
    private final NumberRouter router;

    NumberChannels(SenderConfig config) {
        for (BusinessNumber number : config.numbers()) {
            MessagingLimit limit = portfolios.computeIfAbsent(number.portfolio(), p -> new MessagingLimit(p,
                    config.portfolioTiers().getOrDefault(p, MessagingLimit.UNLIMITED), config.urgentReserve(),
                    config.messagingLimitWindow()));
            TokenSource token = new TokenSource(number.token(), number.tokenFile());
            CloudApiClient api = new CloudApiClient(config.whatsappBaseUrl(), config.apiVersion(), number.phoneNumberId(),
                    token, config.connectTimeout(), config.requestTimeout(), config.namedParameters());
            channels.put(number.name(), new NumberChannel(number, token, api,
                    new Pacer(number.ratePerSecond(), config.rateBurstWindow()),
                    new Suspension(config.suspendFirstProbe(), config.suspendMaxProbe()), limit));
        }
        this.router = new NumberRouter(config.numbers());
    }

    /** The number (name) that sends this request. */
    String route(WhatsAppRequest request) {
        return router.numberFor(request);
    }

    NumberChannel get(String name) {
        return channels.get(name);
    }

    Collection<NumberChannel> all() {
        return channels.values();
    }

    Collection<MessagingLimit> portfolios() {
        return portfolios.values();
    }

    /** Each number's ceiling and each portfolio's tier are shared by instances as owned / total request partitions. */
    void share(int owned, int total, boolean byPartitions) {
        for (NumberChannel c : channels.values()) {
            if (byPartitions) {
                c.pacer.share(owned, total);
            }
            c.limit.share(owned, total);
        }
    }

    /** This instance's pacing over all numbers, msg/s. */
    double currentRate() {
        return channels.values().stream().mapToDouble(c -> c.pacer.currentRate()).sum();
    }

    long suspendedCount() {
        return channels.values().stream().filter(c -> c.suspension.active()).count();
    }

    boolean anySuspended() {
        return suspendedCount() > 0;
    }

    String describe(long now) {
        return channels.values().stream().map(c -> c.describe(now)).collect(Collectors.joining("; "));
    }

    @Override
    public void close() {
        channels.values().forEach(NumberChannel::close);
    }
}

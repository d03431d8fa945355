package dev.ember.common.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A broker location read from oslo.messaging's {@code transport_url}:
 * {@code rabbit://user:pass@host1:5672,user:pass@host2:5672/vhost}. Only the first host's credentials
 * are used (oslo.messaging's own behaviour for a shared user).
 */
public record TransportUrl(List<String> addresses, String username, String password, String virtualHost) {

    public static TransportUrl parse(String url) {
        if (url == null || !url.contains("://")) {
            throw new IllegalArgumentException("transport_url must look like rabbit://user:pass@host:5672/");
        }
        String scheme = url.substring(0, url.indexOf("://"));
        if (!scheme.equals("rabbit") && !scheme.equals("amqp")) {
            throw new IllegalArgumentException("transport_url: unsupported transport '" + scheme + "'");
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        String hostsPart = slash < 0 ? rest : rest.substring(0, slash);
        String vhost = slash < 0 ? "" : decode(rest.substring(slash + 1).replaceFirst("\\?.*$", ""));
        List<String> addresses = new ArrayList<>();
        String user = "guest";
        String password = "guest";
        boolean first = true;
        for (String hostSpec : hostsPart.split(",")) {
            String address = hostSpec;
            int at = hostSpec.lastIndexOf('@');
            if (at >= 0) {
                String[] credentials = hostSpec.substring(0, at).split(":", 2);
                if (first) {
                    user = decode(credentials[0]);
                    password = credentials.length > 1 ? decode(credentials[1]) : "";
                }
                address = hostSpec.substring(at + 1);
            }
            if (!address.contains(":")) {
                address = address + ":5672";
            }
            addresses.add(address);
            first = false;
        }
        return new TransportUrl(List.copyOf(addresses), user, password, vhost.isEmpty() ? "/" : vhost);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}

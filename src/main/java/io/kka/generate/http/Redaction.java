package io.kka.generate.http;

/** How every message that quotes a server is made safe: shared by the endpoint caller and the tuners' client. */
public final class Redaction {
    private static final int MAX_MESSAGE = 300;

    private Redaction() {
    }

    /**
     * @param message any text bound for an error struct or a log line
     * @param secret  the key to hide, or null
     * @return one line of at most 300 characters without the secret
     */
    public static String line(String message, String secret) {
        String m = message == null ? "" : message;
        if (secret != null && !secret.isEmpty()) {
            m = m.replace(secret, "***");
        }
        m = m.replaceAll("\\s+", " ").strip();
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE - 1) + "…";
    }
}

package io.kka.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SessionsTest {
    private static final String OURS = NativeBackendPlugin.class.getName();

    @Test
    void nativeBackendPluginIsAddedOnceBesideTheUsersPlugins() {
        assertEquals(OURS, Sessions.plugins(""));
        assertEquals("com.acme.Metrics," + OURS, Sessions.plugins("com.acme.Metrics"));
        assertEquals("com.acme.Metrics, " + OURS, Sessions.plugins("com.acme.Metrics, " + OURS));
    }

    @Test
    void trainingResultsGoStraightToTheDriverUnlessTheUserSaysOtherwise() {
        assertEquals("64m", Sessions.directResults(null));
        assertEquals("64m", Sessions.directResults(" "));
        assertEquals("2m", Sessions.directResults("2m"));
    }
}

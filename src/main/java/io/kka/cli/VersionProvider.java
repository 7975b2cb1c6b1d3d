package io.kka.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Prints the build's versions (from a resource filtered at build time). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        Properties p = versions();
        return new String[] {"kka " + p.getProperty("version", "unknown"),
            "Spark " + p.getProperty("spark") + ", DL4J " + p.getProperty("dl4j") + " (" + p.getProperty("backend")
                    + "), Java " + System.getProperty("java.version")};
    }

    /** @return the build's version properties */
    static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/io/kka/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // versions are informational only
        }
        return p;
    }
}

package io.kka.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import io.kka.data.InvalidInputException;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Speculative execution would pay for the endpoint requests of slow partitions twice: refused for HTTP stages. */
class SpeculationTest {

    @Test
    void speculationIsRefusedForHttpProvidersOnly() {
        JobConfig http = ConfigLoader.parse("llm: {provider: openai, base_url: 'http://127.0.0.1:8000/v1'}\n", "t",
                List.of());
        SparkConf speculative = new SparkConf(false).set("spark.speculation", "true");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> KkaLoop.refuseSpeculation(http, speculative));
        assertEquals("spark.speculation=true would send the paid endpoint requests of slow partitions twice"
                + " (llm.provider openai, images.provider embedded); set spark.speculation=false for KKA runs",
                e.getMessage());
        KkaLoop.refuseSpeculation(http, new SparkConf(false));
        KkaLoop.refuseSpeculation(JobConfig.defaults(), speculative); // the embedded stand-ins are free
    }
}

package io.kka.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SparkEpochsTest {
    @Test
    void roundSizesAddUpToEveryMinibatchOnce() {
        int[] perPartition = {11, 9, 0};
        int f = 5;
        assertEquals(10, SparkEpochs.roundSize(perPartition, 0, f));
        assertEquals(9, SparkEpochs.roundSize(perPartition, 1, f)); // 5 + 4
        assertEquals(1, SparkEpochs.roundSize(perPartition, 2, f)); // the 11th of the first partition
        assertEquals(0, SparkEpochs.roundSize(perPartition, 3, f));
        long all = 0;
        for (int r = 0; r < 3; r++) {
            all += SparkEpochs.roundSize(perPartition, r, f);
        }
        assertEquals(20, all);
    }
}

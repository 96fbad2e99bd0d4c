package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OwnerRunsTest {
    @Test
    void shouldMergeAdjacentRunsOfTheSameOwnerAndConsumeOldestFirst() {
        final OwnerRuns runs = new OwnerRuns(3);
        assertTrue(runs.isEmpty());
        assertTrue(runs.append(0, 5));
        assertTrue(runs.append(0, 3));
        assertTrue(runs.append(1, 2));
        assertTrue(runs.append(0, 1));
        assertFalse(runs.append(2, 1), "a fourth run does not fit in three");
        assertTrue(runs.append(0, 4), "but the tail run grows");
        assertEquals(15, runs.total());
        assertEquals(0, runs.headOwner());
        assertEquals(8, runs.headCount());
        runs.consumeHead(8);
        assertEquals(1, runs.headOwner());
        assertTrue(runs.holds(0) && runs.holds(1) && !runs.holds(2));
        runs.consumeHead(1);
        runs.consumeHead(1);
        assertEquals(0, runs.headOwner());
        assertFalse(runs.holds(1));
        assertTrue(runs.append(2, 1), "room again after the head runs left");
        assertEquals(2, runs.tailOwner());
        runs.consumeTail();
        assertEquals(0, runs.tailOwner());
        assertEquals(5, runs.total());
    }

    @Test
    void shouldWrapAroundItsCircularQueue() {
        final OwnerRuns runs = new OwnerRuns(2);
        for (int i = 0; i < 10; i++) {
            assertTrue(runs.append(i % 3, 2));
            assertEquals(i % 3, runs.tailOwner());
            runs.consumeHead(runs.headCount());
        }
        assertTrue(runs.isEmpty());
        assertTrue(runs.append(5, 0), "an empty run is a no-op");
        assertTrue(runs.isEmpty());
    }
}

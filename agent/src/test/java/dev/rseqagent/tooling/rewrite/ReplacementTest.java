package dev.rseqagent.tooling.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplacementTest {
    @Test
    void jnaOnlyWhenAskedFor() {
        assertFalse(Replacement.active(false, true).contains(Replacement.JNA_MALLOC));
        assertFalse(Replacement.active(false, true).contains(Replacement.JNA_FREE));
        assertEquals(EnumSet.allOf(Replacement.class), EnumSet.copyOf(Replacement.active(true, true)));
    }

    /** A JDK without what the agent's direct buffers need (26 and later) keeps its allocateDirect, and only that. */
    @Test
    void allocateDirectStaysTheJdksWhereItsBuffersCannotBeMade() {
        List<Replacement> active = Replacement.active(true, false);
        assertFalse(active.contains(Replacement.ALLOCATE_DIRECT));
        assertEquals(Replacement.values().length - 1, active.size());
        assertTrue(Replacement.active(false, true).contains(Replacement.ALLOCATE_DIRECT));
    }
}

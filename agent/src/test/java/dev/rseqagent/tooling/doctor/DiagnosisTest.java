package dev.rseqagent.tooling.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DiagnosisTest {
    @Test
    void theRseqTunableIsReadFromGlibcTunables() {
        assertNull(Diagnosis.rseqTunable(null));
        assertNull(Diagnosis.rseqTunable("glibc.malloc.arena_max=2"));
        assertEquals("0", Diagnosis.rseqTunable("glibc.pthread.rseq=0"));
        assertEquals("1", Diagnosis.rseqTunable("glibc.malloc.arena_max=2:glibc.pthread.rseq=1"));
        assertEquals("1", Diagnosis.rseqTunable("glibc.pthread.rseq=0:glibc.pthread.rseq=1"), "the last one wins");
    }
}

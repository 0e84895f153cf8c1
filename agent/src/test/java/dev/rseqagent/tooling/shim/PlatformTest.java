package dev.rseqagent.tooling.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {

    @ParameterizedTest
    @CsvSource({
            "Linux, amd64, x86_64, linux-x86_64",
            "Linux, x86_64, x86_64, linux-x86_64",
            "linux, amd64, x86_64, linux-x86_64",
            "LINUX, aarch64, aarch64, linux-aarch64",
            "Linux, aarch64, aarch64, linux-aarch64",
    })
    void linuxOnSupportedArchitecturesHasAShim(String os, String arch, String expectedArch, String expectedTag) {
        Platform platform = Platform.current(os, arch);

        assertNotNull(platform);
        assertEquals(expectedArch, platform.arch());
        assertEquals(expectedTag, platform.tag());
    }

    @ParameterizedTest
    @CsvSource({
            "Mac OS X, aarch64",
            "Mac OS X, x86_64",
            "Windows 11, amd64",
            "FreeBSD, amd64",
            "SunOS, amd64",
    })
    void nonLinuxHasNoShim(String os, String arch) {
        assertNull(Platform.current(os, arch));
    }

    @ParameterizedTest
    @CsvSource({
            "Linux, x86",
            "Linux, i386",
            "Linux, arm",
            "Linux, ppc64le",
            "Linux, s390x",
            "Linux, riscv64",
            "Linux, ''",
    })
    void unknownArchitectureHasNoShim(String os, String arch) {
        assertNull(Platform.current(os, arch));
    }
}

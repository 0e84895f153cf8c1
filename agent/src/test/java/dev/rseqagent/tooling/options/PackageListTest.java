package dev.rseqagent.tooling.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackageListTest {
    @Test
    void prefixesBecomeInternalNamesEndingInASlash() {
        assertEquals(List.of("com/acme/io/", "org/Example/"), PackageList.internalPrefixes("com.acme.io:org.Example"));
        assertEquals(List.of(), PackageList.internalPrefixes(""));
    }

    @Test
    void onlyJavaPackageNamesAreValid() {
        assertTrue(PackageList.isValid(""));
        assertTrue(PackageList.isValid("io.netty.util.internal"));
        assertTrue(PackageList.isValid("a:b.c:$x._y"));
        assertFalse(PackageList.isValid("com..acme"));
        assertFalse(PackageList.isValid(".com"));
        assertFalse(PackageList.isValid("com.acme."));
        assertFalse(PackageList.isValid("com.acme::org"));
        assertFalse(PackageList.isValid("com/acme"));
        assertFalse(PackageList.isValid("9lives"));
    }

    @Test
    void theJdksOwnPackagesAreToldApart() {
        assertEquals(List.of("java", "sun.nio.ch", "jdk.internal"),
                PackageList.jdkOnly(PackageList.internalPrefixes("java:com.acme:sun.nio.ch:javax.servlet:jdk.internal:javafx")));
        assertEquals(List.of(), PackageList.jdkOnly(PackageList.internalPrefixes("io.netty:sunrise:jdkx")));
    }
}

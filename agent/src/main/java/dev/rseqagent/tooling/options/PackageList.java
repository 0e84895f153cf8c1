package dev.rseqagent.tooling.options;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A list of package prefixes, {@code com.acme.io:org.example} (':' because ','
 * separates agent options). A prefix matches the package itself and every
 * package below it.
 */
public final class PackageList {
    static final String FORM = "<package>[:<package>...]";
    private static final Pattern NAME = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
            + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

    private PackageList() {
    }

    static boolean isValid(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (String name : value.split(":", -1)) {
            if (!NAME.matcher(name).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Those of {@code internalPrefixes} that name only JDK classes (java.*,
     * jdk.*, sun.*): the boot and platform loaders' classes, never rewritten.
     */
    public static List<String> jdkOnly(List<String> internalPrefixes) {
        List<String> jdk = new ArrayList<>();
        for (String prefix : internalPrefixes) {
            if (prefix.startsWith("java/") || prefix.startsWith("jdk/") || prefix.startsWith("sun/")) {
                jdk.add(prefix.substring(0, prefix.length() - 1).replace('/', '.'));
            }
        }
        return jdk;
    }

    /** The prefixes of a valid list, as internal names with a trailing '/' ("com/acme/io/"). */
    public static List<String> internalPrefixes(String value) {
        if (value.isEmpty()) {
            return Collections.emptyList();
        }
        List<String> prefixes = new ArrayList<>();
        for (String name : value.split(":")) {
            prefixes.add(name.replace('.', '/') + '/');
        }
        return prefixes;
    }
}

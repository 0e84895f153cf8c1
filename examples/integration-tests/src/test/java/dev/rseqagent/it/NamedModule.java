package dev.rseqagent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** A tiny named module (acme.mod), compiled by the test, that allocates through Unsafe and allocateDirect. */
final class NamedModule {
    static final String MAIN = "acme.mod/acme.mod.ModMain";

    private static final String MODULE_INFO = "module acme.mod { requires jdk.unsupported; }\n";
    private static final String MAIN_SOURCE = String.join("\n",
            "package acme.mod;",
            "public class ModMain {",
            "    public static void main(String[] args) throws Exception {",
            "        java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField(\"theUnsafe\");",
            "        f.setAccessible(true);",
            "        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);",
            "        long p = u.allocateMemory(64);",
            "        // dev.rseqagent.Rseq is in the unnamed module: reflection needs no read edge",
            "        Object owned = Class.forName(\"dev.rseqagent.Rseq\").getMethod(\"owns\", long.class).invoke(null, p);",
            "        u.freeMemory(p);",
            "        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(100);",
            "        System.out.println(\"MODULE named=\" + ModMain.class.getModule().isNamed() + \" owned=\" + owned",
            "                + \" direct=\" + b.isDirect());",
            "    }",
            "}",
            "");

    private NamedModule() {
    }

    /** Compiles the module under dir; returns the module path to run it from. */
    static Path compile(Path dir) throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("acme/mod"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("acme/mod/ModMain.java"), MAIN_SOURCE);
        Path out = dir.resolve("mods/acme.mod");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-nowarn", "-d", out.toString(),
                src.resolve("module-info.java").toString(), src.resolve("acme/mod/ModMain.java").toString());
        if (rc != 0) {
            throw new IllegalStateException("javac failed: " + rc);
        }
        return dir.resolve("mods");
    }
}

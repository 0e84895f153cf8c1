package dev.rseqagent.tooling.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.utility.OpenedClassReader;
import org.junit.jupiter.api.Test;

/** The guard over the class file of the JDK that runs the test (17 and 25 in the build). */
class JdkFreeGuardTransformerTest {
    private static byte[] jdkUnsafe() throws IOException {
        try (InputStream in = Object.class.getResourceAsStream("/" + JdkFreeGuardTransformer.UNSAFE + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Each method's calls, "owner.name desc" in order. */
    private static Map<String, List<String>> callsByMethod(byte[] classFile) {
        Map<String, List<String>> calls = new LinkedHashMap<>();
        OpenedClassReader.of(classFile).accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                List<String> list = new ArrayList<>();
                calls.put(name + descriptor, list);
                return new MethodVisitor(OpenedClassReader.ASM_API) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                        list.add(owner + "." + n + " " + d);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG);
        return calls;
    }

    @Test
    void bothFreePathsCallTheGuardFirstAndTheJdkBodyFollowsUnchanged() throws IOException {
        byte[] original = jdkUnsafe();
        int[] guarded = new int[1];
        byte[] result = JdkFreeGuardTransformer.guard(original, guarded);
        assertEquals(JdkFreeGuardPrologue.METHODS, guarded[0]);

        Map<String, List<String>> before = callsByMethod(original);
        Map<String, List<String>> after = callsByMethod(result);
        assertEquals(before.keySet(), after.keySet(), "no method added or removed");
        for (Map.Entry<String, List<String>> m : before.entrySet()) {
            List<String> expected = new ArrayList<>(m.getValue());
            if (m.getKey().equals("freeMemory(J)V")) {
                expected.add(0, "dev/rseqagent/boot/JdkFreeGuard.freed (J)Z");
            } else if (m.getKey().equals("reallocateMemory(JJ)J")) {
                expected.add(0, "dev/rseqagent/boot/JdkFreeGuard.reallocated (JJ)J");
            }
            assertEquals(expected, after.get(m.getKey()), m.getKey());
        }
    }

    @Test
    void aClassWithoutTheFreePathsIsLeftAsItWas() throws IOException {
        byte[] other;
        try (InputStream in = Object.class.getResourceAsStream("/java/lang/Object.class")) {
            other = in.readAllBytes();
        }
        int[] guarded = new int[1];
        byte[] result = JdkFreeGuardTransformer.guard(other, guarded);
        assertEquals(0, guarded[0]);
        assertArrayEquals(other, result, "every method copied as it was");
        JdkFreeGuardTransformer transformer = new JdkFreeGuardTransformer();
        assertNull(transformer.transform(null, null, "java/lang/Object", null, null, other), "not Unsafe: untouched");
        assertEquals("jdk.internal.misc.Unsafe was not transformed", transformer.problem());
    }
}

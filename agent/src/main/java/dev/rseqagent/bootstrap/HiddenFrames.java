package dev.rseqagent.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Build step, not in the agent jar: in the facade's class files (a staging
 * copy the boot jar is made from), each {@code @HiddenFrame} mark becomes the
 * JDK's {@code @jdk.internal.vm.annotation.Hidden}, runtime-visible, which
 * the JVM reads for classes of the boot loader (the facade is defined there)
 * and stack walks then skip. Source code cannot name it: java.base does not
 * export that package to code compiled with {@code --release}.
 */
final class HiddenFrames {
    static final String MARK = "Ldev/rseqagent/boot/HiddenFrame;";
    static final String HIDDEN = "Ljdk/internal/vm/annotation/Hidden;";

    private HiddenFrames() {
    }

    /** args[0]: a directory of class files, rewritten in place; fails if nothing was marked. */
    public static void main(String[] args) throws IOException {
        List<Path> classes;
        try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
            classes = files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList());
        }
        int hidden = 0;
        for (Path file : classes) {
            int[] marked = {0};
            byte[] rewritten = hide(Files.readAllBytes(file), marked);
            if (marked[0] > 0) {
                Files.write(file, rewritten);
                hidden += marked[0];
            }
        }
        if (hidden == 0) {
            throw new IllegalStateException("no method under " + args[0] + " is marked " + MARK);
        }
    }

    /** The class file with its marked methods hidden; marked[0] counts them. */
    static byte[] hide(byte[] classFile, int[] marked) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(classFile).accept(ClassPack.Writer.eachMethod(writer, method -> new MethodVisitor(Opcodes.ASM9,
                method) {
            @Override
            public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                if (annotation.equals(MARK)) {
                    marked[0]++;
                    return super.visitAnnotation(HIDDEN, true);
                }
                return super.visitAnnotation(annotation, visible);
            }
        }), 0);
        return writer.toByteArray();
    }
}

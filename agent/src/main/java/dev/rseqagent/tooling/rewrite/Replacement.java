package dev.rseqagent.tooling.rewrite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * One replaced call: an instruction invoking {@code owner.name desc} becomes
 * {@code invokestatic Substitutes.substitute}, whose descriptor is the
 * original's with the receiver (if any) as first parameter, so the operand
 * stack is the same before and after: nothing else in the method changes.
 */
enum Replacement {
    UNSAFE_ALLOCATE(Opcodes.INVOKEVIRTUAL, "sun/misc/Unsafe", "allocateMemory", "(J)J", "allocateMemory"),
    UNSAFE_REALLOCATE(Opcodes.INVOKEVIRTUAL, "sun/misc/Unsafe", "reallocateMemory", "(JJ)J", "reallocateMemory"),
    UNSAFE_FREE(Opcodes.INVOKEVIRTUAL, "sun/misc/Unsafe", "freeMemory", "(J)V", "freeMemory"),
    ALLOCATE_DIRECT(Opcodes.INVOKESTATIC, "java/nio/ByteBuffer", "allocateDirect", "(I)Ljava/nio/ByteBuffer;",
            "allocateDirect"),
    JNA_MALLOC(Opcodes.INVOKESTATIC, "com/sun/jna/Native", "malloc", "(J)J", "jnaMalloc"),
    JNA_FREE(Opcodes.INVOKESTATIC, "com/sun/jna/Native", "free", "(J)V", "jnaFree");

    static final String SUBSTITUTES = "dev/rseqagent/boot/Substitutes";

    final int opcode;
    final String owner;
    final String name;
    final String descriptor;
    final String substitute;
    final String substituteDescriptor;

    Replacement(int opcode, String owner, String name, String descriptor, String substitute) {
        this.opcode = opcode;
        this.owner = owner;
        this.name = name;
        this.descriptor = descriptor;
        this.substitute = substitute;
        this.substituteDescriptor = opcode == Opcodes.INVOKESTATIC ? descriptor
                : "(L" + owner + ";" + descriptor.substring(1);
    }

    boolean matches(int op, String callOwner, String callName, String callDescriptor) {
        return op == opcode && callOwner.equals(owner) && callName.equals(name) && callDescriptor.equals(descriptor);
    }

    /** The replacements in effect: JNA's only when asked for, allocateDirect's where the JDK allows it. */
    static List<Replacement> active(boolean jna, boolean direct) {
        List<Replacement> active = new ArrayList<>();
        for (Replacement r : values()) {
            if ((jna || !r.owner.equals("com/sun/jna/Native")) && (direct || r != ALLOCATE_DIRECT)) {
                active.add(r);
            }
        }
        return Collections.unmodifiableList(active);
    }
}

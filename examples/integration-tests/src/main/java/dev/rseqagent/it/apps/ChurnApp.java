package dev.rseqagent.it.apps;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.rseqagent.Owner;
import dev.rseqagent.Rseq;

/**
 * Uses the application's own JNA (another version than the agent's) to load,
 * register, unregister and dlclose the example owner library N times, asking
 * the agent each time. Args: library path, N.
 */
public final class ChurnApp {
    public static void main(String[] args) {
        String path = args[0];
        int rounds = Integer.parseInt(args[1]);
        int foreign = 0;
        int none = 0;
        for (int i = 0; i < rounds; i++) {
            NativeLibrary lib = NativeLibrary.getInstance(path);
            lib.getFunction("rseq_owner_register_current_thread").invokeInt(new Object[0]);
            if (Rseq.currentThread().owner() == Owner.FOREIGN) {
                foreign++;
            }
            lib.getFunction("rseq_owner_unregister_current_thread").invokeInt(new Object[0]);
            lib.dispose();
            if (Rseq.currentThread().owner() == Owner.NONE) {
                none++;
            }
        }
        System.out.println("JNA " + Native.VERSION);
        System.out.println("CHURN rounds=" + rounds + " foreign=" + foreign + " none=" + none);
    }
}

package dev.rseqagent.tooling.shim;

import com.sun.jna.JNIEnv;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * JNA direct mapping of the shim's control plane (native/include/rseqagent.h).
 * Control plane only: load, probe, events, counters. Allocation calls will not
 * go through JNA (about 100 ns a call).
 */
final class ShimLibrary {
    private ShimLibrary() {
    }

    static void bind(NativeLibrary library) {
        Native.register(ShimLibrary.class, library);
    }

    static native int rseqagent_init();

    static native int rseqagent_thread_probe(long[] report, int flags);

    static native int rseqagent_process_info(long[] info);

    static native int rseqagent_counters(long[] out);

    static native int rseqagent_events_drain(long[] buf, int max, int timeoutMs);

    static native int rseqagent_jvm_hook_thread_start(JNIEnv env, String className, String methodName);
}

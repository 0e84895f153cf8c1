package dev.rseqagent.boot;

/**
 * The daemon thread that gives back the memory of direct buffers the GC found
 * unreachable, as soon as reference processing queues them: the JDK's
 * reclaim loop (which waits for reference processing, then retries for half a
 * second) sees the memory come back while it retries, for the JDK's own
 * buffers as for rewritten ones.
 */
final class DirectReleaser implements Runnable {
    private static final String THREAD_NAME = "rseq-agent-direct-release";

    private DirectReleaser() {
    }

    /** Starts the thread: a daemon, no inherited thread locals, no context class loader to pin. */
    static void start() {
        Thread thread = new Thread(null, new DirectReleaser(), THREAD_NAME, 0, false);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
    }

    /**
     * Wakes on the first reference a GC queued, lets reference processing
     * queue the rest, then releases them in one pass: one wake-up a GC, not
     * one a buffer.
     */
    @Override
    public void run() {
        for (;;) {
            Object first;
            try {
                first = LiveDirectBuffers.UNREACHABLE.remove();
            } catch (Throwable interruptOrError) {
                continue; // this thread must not end: every later buffer's memory would be lost
            }
            DirectBuffers.awaitReferenceProcessing();
            DirectBuffers.release((LiveDirectBuffers.Ref) first);
            releaseQueued();
        }
    }

    /** Releases on the calling thread what is queued now; how many buffers. */
    static int releaseQueued() {
        int n = 0;
        for (Object ref; (ref = LiveDirectBuffers.UNREACHABLE.poll()) != null; n++) {
            DirectBuffers.release((LiveDirectBuffers.Ref) ref);
        }
        return n;
    }
}

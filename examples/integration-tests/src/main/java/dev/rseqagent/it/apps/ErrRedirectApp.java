package dev.rseqagent.it.apps;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Replaces System.err with a stream of its own (as apps that route stderr into
 * their logging do), starts a thread, then says on stdout how many of the
 * agent's lines its stream caught.
 */
public final class ErrRedirectApp {
    public static void main(String[] args) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Thread worker = new Thread(() -> System.err.println("the app's own stderr line"), "after-redirect");
        worker.start();
        worker.join();
        String text = captured.toString(StandardCharsets.UTF_8);
        System.out.println("app-stream-agent-lines=" + text.lines().filter(l -> l.contains("rseq.owner")).count());
        System.out.println("app-stream-own-lines=" + text.lines().filter(l -> l.contains("the app's own")).count());
    }
}

package dev.rseqagent.it.apps;

import dev.rseqagent.Rseq;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Installs a security manager in main (as Elasticsearch does), then uses JMX
 * and starts a thread that asks the agent for rseq: prints "MBEAN true" once
 * the agent's MBean is registered (false after args[0] seconds), and the
 * thread's owner. args[1]: "at-once", or "once-bound" to install it only
 * after the agent has bound its control plane (in the background).
 */
public final class LateSecurityManagerApp {
    @SuppressWarnings("removal")
    public static void main(String[] args) throws Exception {
        if (args[1].equals("once-bound")) {
            Rseq.counters(); // waits for the control plane
        }
        System.setSecurityManager(new SecurityManager());
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("dev.rseqagent:type=RseqAgent");
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        while (!server.isRegistered(agent) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        System.out.println("MBEAN " + server.isRegistered(agent));
        Thread worker = new Thread(() -> System.out.println("WORKER " + Rseq.acquireCurrentThread().owner()), "worker");
        worker.start();
        worker.join();
    }
}

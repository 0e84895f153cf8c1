package dev.rseqagent.tooling.diag;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: one line of the ownership log (a first sighting, a transition, an exit). */
@Name("dev.rseqagent.OwnershipTransition")
@Label("rseq Ownership Transition")
@Category("rseq-agent")
@StackTrace(false)
@Description("Who owns a thread's rseq registration changed, or the agent saw the thread for the first time")
final class OwnershipTransitionEvent extends Event {
    @Label("Thread")
    String threadName;

    @Label("Kernel Thread Id")
    long tid;

    @Label("From")
    String from;

    @Label("To")
    String to;

    @Label("Mode")
    String mode;

    @Label("Seen At")
    String at;
}

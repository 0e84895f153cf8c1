package dev.rseqagent.it.apps;

/** Prints "MAIN" as its first statement: the line that ends what happened before main. */
public final class FirstLineApp {
    private FirstLineApp() {
    }

    public static void main(String[] args) {
        System.out.println("MAIN");
    }
}

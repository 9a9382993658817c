package org.cnf4j.linalg;

/**
 * Run in a JVM of its own by {@link KernelChoiceUnderLoadTest}: with an argument N, starts N
 * threads that spin on the CPU, then prints every family's kernel choice, one line each.
 */
public final class KernelChoiceProbe {

    static final String PREFIX = "CHOICE ";

    private KernelChoiceProbe() {}

    public static void main(String[] args) {
        int spinners = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        for (int i = 0; i < spinners; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (true) {
                    x += System.nanoTime() % 7;
                    if (x == 42) {
                        System.out.print("");
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }
        for (KernelChoice c : KernelSelection.choices()) {
            System.out.println(PREFIX + c.family() + " " + c.vector() + " " + c.reason());
        }
        System.out.flush();
        System.exit(0);
    }
}

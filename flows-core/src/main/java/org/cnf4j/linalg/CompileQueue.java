package org.cnf4j.linalg;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Whether the JIT still has kernel code to compile: HotSpot's compile queues and the compilations
 * in progress (the text of {@code jcmd PID Compiler.queue}, read in process through the
 * diagnostic-command MBean) name a method of the kernels or of the Vector API.
 *
 * <p>{@link KernelSelection} asks before it gives a still-allocating kernel up, so that a JIT that
 * is merely late (its compiler threads starved by other work, or busy with other methods) is
 * waited for, and only one that has finished and left the kernel in the Vector API's Java fallback
 * rules it out. No time is read: the answer is what the JIT has left to do.
 */
final class CompileQueue {

    /** Package and class-name prefixes of the code the kernels' speed depends on. */
    private static final String[] KERNEL_CODE = {"org.cnf4j.linalg.", "jdk.incubator.vector.", "jdk.internal.vm.vector."
    };

    private static final ObjectName DIAGNOSTIC_COMMAND = diagnosticCommand();

    private CompileQueue() {}

    /** Whether this JVM can show its compile queue (HotSpot's diagnostic-command MBean). */
    static boolean supported() {
        return DIAGNOSTIC_COMMAND != null && text() != null;
    }

    /**
     * Whether kernel code waits in a compile queue or is being compiled now; false where the queue
     * cannot be read (the warm-up's count of calls then decides alone).
     */
    static boolean kernelCodePending() {
        String text = text();
        return text != null && namesKernelCode(text);
    }

    /**
     * Whether a {@code Compiler.queue} listing names a method of the kernels or of the Vector API
     * (in its current compilations or in either queue).
     */
    static boolean namesKernelCode(String queueListing) {
        for (String line : queueListing.split("\\R")) {
            String trimmed = line.trim();
            if (trimmed.endsWith(":") || trimmed.toLowerCase(Locale.ROOT).equals("empty")) {
                continue;
            }
            for (String prefix : KERNEL_CODE) {
                if (trimmed.contains(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The listing, or null where it cannot be read. */
    private static String text() {
        if (DIAGNOSTIC_COMMAND == null) {
            return null;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object result = server.invoke(
                    DIAGNOSTIC_COMMAND, "compilerQueue", new Object[] {null}, new String[] {String[].class.getName()});
            return result instanceof String s ? s : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    private static ObjectName diagnosticCommand() {
        try {
            ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            return ManagementFactory.getPlatformMBeanServer().isRegistered(name) ? name : null;
        } catch (JMException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}

package org.cnf4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option list of a long {@code --help} in groups under headings (data, model, solver,
 * training, output), the options of each in their declared order; an option no group names goes
 * under "Other options".
 */
final class GroupedOptionList implements CommandLine.IHelpSectionRenderer {

    /** Headings and the options under each, by their longest name. */
    static final Map<String, List<String>> TRAIN = groups(
            "Data",
                    List.of(
                            "--data",
                            "--columns",
                            "--exclude-columns",
                            "--context",
                            "--missing",
                            "--validation-size",
                            "--test-size",
                            "--validation-fraction",
                            "--test-fraction",
                            "--test-data",
                            "--validation-data",
                            "--dequantize",
                            "--standardize",
                            "--image-shape"),
            "Output", List.of("--out", "--report", "--force", "--resume", "--quiet", "--verbose"),
            "Objective and run",
                    List.of(
                            "--objective",
                            "--ot-coupling",
                            "--iterations",
                            "--time-budget",
                            "--validation-interval",
                            "--seed",
                            "--baselines"),
            "Network",
                    List.of(
                            "--hidden",
                            "--layer-type",
                            "--activation",
                            "--blocks",
                            "--time",
                            "--train-time",
                            "--precision"),
            "Solver, trace and gradient",
                    List.of(
                            "--solver",
                            "--rtol",
                            "--atol",
                            "--steps",
                            "--max-nfe",
                            "--trace",
                            "--gradient",
                            "--seminorm",
                            "--backward-rtol",
                            "--backward-atol"),
            "Flow matching", List.of("--sigma-min", "--time-sampling", "--context-dropout"),
            "Optimiser and regularisers",
                    List.of("--batch", "--lr", "--lr-schedule", "--ema", "--weight-decay", "--kinetic", "--jacobian"));

    private final Map<String, List<String>> groups;

    GroupedOptionList(Map<String, List<String>> groups) {
        this.groups = groups;
    }

    private static Map<String, List<String>> groups(Object... headingsAndNames) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < headingsAndNames.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) headingsAndNames[i + 1];
            out.put((String) headingsAndNames[i], names);
        }
        return out;
    }

    /** Installs the grouped list on a command line's usage message. */
    static void install(CommandLine cl, Map<String, List<String>> groups) {
        cl.getHelpSectionMap()
                .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, new GroupedOptionList(groups));
        cl.getHelpSectionMap().remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING);
    }

    @Override
    public String render(Help help) {
        Map<String, List<OptionSpec>> byGroup = new LinkedHashMap<>();
        groups.keySet().forEach(g -> byGroup.put(g, new ArrayList<>()));
        List<OptionSpec> other = new ArrayList<>();
        for (OptionSpec o : help.commandSpec().options()) {
            if (o.hidden()) {
                continue;
            }
            String group = null;
            for (Map.Entry<String, List<String>> e : groups.entrySet()) {
                if (e.getValue().contains(o.longestName())) {
                    group = e.getKey();
                }
            }
            (group == null ? other : byGroup.get(group)).add(o);
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<OptionSpec>> e : byGroup.entrySet()) {
            section(out, help, e.getKey(), e.getValue());
        }
        section(out, help, "Other options", other);
        return out.toString();
    }

    private static void section(StringBuilder out, Help help, String heading, List<OptionSpec> options) {
        if (options.isEmpty()) {
            return;
        }
        Help.Layout layout = help.createDefaultLayout();
        for (OptionSpec o : options) {
            layout.addOption(o, help.createDefaultParamLabelRenderer());
        }
        out.append(String.format("%n%s:%n", heading)).append(layout);
    }
}

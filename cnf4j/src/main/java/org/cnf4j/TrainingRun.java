package org.cnf4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.baseline.FittedBaselines;
import org.cnf4j.data.ConditionalTable;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.BaselineSummary;
import org.cnf4j.io.ImageLayout;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.Provenance;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.train.Objectives;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingListener;
import org.cnf4j.train.TrainingResult;
import org.cnf4j.train.ValidationStats;

/**
 * One training run from a table and settings, the one home of what {@code cnf train}, {@code
 * cnf-spark train}, {@link Flow#train} and Spark ML's {@code CnfFlow} do in the same order: a new
 * flow or one resumed from a checkpoint (checked against the data and seed, its objective from the
 * file), the base distribution and the baselines, the plan of the run's length from the table and
 * the settings, the model file's metadata and provenance, checkpoints at every validation, the
 * training and the kept model. A front end builds the flow and the data, and wires its input,
 * progress display and output around these steps.
 *
 * <p>The steps, in order: {@link #fresh} or {@link #resume}; optionally {@link #image}; {@link
 * #prepare} (the base and the baselines); {@link #plan}; optionally {@link #checkpointEachValidation}
 * and listeners on {@link #trainer()}; {@link #train()} or {@link #trainAndSave(Path)}.
 */
public final class TrainingRun {

    private final TrainingData data;
    private final ContinuousNormalizingFlow flow;
    private final Trainer trainer;
    private final boolean resumed;
    private final BaselineSummary resumedBaselines;
    private ModelMetadata metadata;

    private TrainingRun(
            TrainingData data,
            ContinuousNormalizingFlow flow,
            Trainer trainer,
            boolean resumed,
            BaselineSummary resumedBaselines,
            ModelMetadata metadata) {
        this.data = data;
        this.flow = flow;
        this.trainer = trainer;
        this.resumed = resumed;
        this.resumedBaselines = resumedBaselines;
        this.metadata = metadata;
    }

    /**
     * A run that trains a new flow.
     *
     * @param data the table, split and standardised
     * @param flow the untrained flow, of {@code data.dim()} minus the context's width dimensions
     * @param config the training settings
     * @param columns the data columns' names, in order
     * @param context the context columns with their levels' training rows counted ({@link #counted})
     * @param provenance where the model comes from, written beside it
     */
    public static TrainingRun fresh(
            TrainingData data,
            ContinuousNormalizingFlow flow,
            TrainingConfig config,
            List<String> columns,
            List<ContextColumn> context,
            Provenance provenance) {
        return new TrainingRun(
                data, flow, new Trainer(flow, data, config), false, null, metadata(data, columns, context, provenance));
    }

    /**
     * A run that continues the checkpoint of a model file on the same data and seed: the
     * architecture and the objective come from the file (the objective of {@code config} is
     * replaced by the file's), the baselines too.
     *
     * @param maxEvaluations the solver's cap on evaluations per solve to use from now on, or 0 for
     *     the file's
     * @throws IllegalArgumentException when the file holds no checkpoint, or the checkpoint belongs
     *     to other data or another seed, or has passed the iterations asked for
     */
    public static TrainingRun resume(
            TrainingData data,
            LoadedModel model,
            String file,
            TrainingConfig config,
            int maxEvaluations,
            List<String> columns,
            List<ContextColumn> context,
            Provenance provenance) {
        if (model.checkpoint() == null) {
            throw new IllegalArgumentException(file + " holds no checkpoint to resume from");
        }
        ContinuousNormalizingFlow flow = model.flow();
        if (maxEvaluations > 0) {
            flow.setSolver(flow.solver().withMaxEvaluations(maxEvaluations));
        }
        TrainingSummary before = model.metadata().training();
        BaselineSummary baselines = null;
        if (before != null) {
            config = config.withFlowMatching(Objectives.flowMatching(before.objectiveSettings()));
            baselines = before.baselines();
        }
        Trainer trainer = Trainer.resume(flow, data, config, model.checkpoint());
        return new TrainingRun(data, flow, trainer, true, baselines, metadata(data, columns, context, provenance));
    }

    /**
     * The context columns with the training rows of each categorical level counted, checked before
     * any work (a level without training rows is refused); empty without context.
     *
     * @param dim the flow's dimensions (the data's without the context)
     */
    public static List<ContextColumn> counted(TrainingData data, List<ContextColumn> context, int dim) {
        return context.isEmpty()
                ? List.of()
                : ConditionalTable.withCounts(context, data.trainingSample(Integer.MAX_VALUE), dim);
    }

    private static ModelMetadata metadata(
            TrainingData data, List<String> columns, List<ContextColumn> context, Provenance provenance) {
        return new ModelMetadata(data.standardizer(), data.dequantized(), data.describe(), columns, null, context)
                .withProvenance(provenance);
    }

    /** Records the image layout of the rows in the model file (before training). */
    public TrainingRun image(ImageLayout layout) {
        metadata = metadata.withImage(layout);
        return this;
    }

    /**
     * The flow's base distribution and the baselines, fitted once: unless resumed, the fitted
     * mixture becomes the base when the settings ask for one ({@link Trainer#prepareBase}); with
     * {@code baselines}, the Gaussian and the mixture are scored (conditional ones for a flow with
     * context) and recorded in the summary. A resumed run takes the baselines from its file.
     *
     * @return the fitted unconditional baseline models (to draw samples from), or null (resumed, no
     *     baselines, or a conditional flow)
     */
    public FittedBaselines prepare(boolean baselines) {
        if (resumed) {
            trainer.setBaselines(baselines ? resumedBaselines : null);
            return null;
        }
        FittedBaselines models = trainer.prepareBase();
        if (!baselines) {
            trainer.setBaselines(null);
            return null;
        }
        List<ContextColumn> context = metadata.context();
        if (!context.isEmpty()) {
            trainer.setBaselines(Baselines.beforeTraining(data, flow.dim(), context));
            return null;
        }
        if (models == null) {
            models = Baselines.fitted(data, Baselines.MIXTURE_WORK);
        }
        trainer.setBaselines(models.summary());
        return models;
    }

    /**
     * Plans the run's length from the table and the settings (a time budget only caps it), unless
     * the iterations were given or the run is resumed (it continues to the iterations given).
     */
    public Optional<Trainer.Plan> plan(boolean iterationsGiven) {
        return resumed || iterationsGiven ? Optional.empty() : Optional.of(trainer.plan());
    }

    /**
     * Writes the model with its checkpoint to {@code file} at every validation (the same file
     * {@link #trainAndSave} ends with), then tells {@code written}.
     */
    public TrainingRun checkpointEachValidation(Path file, Consumer<ValidationStats> written) {
        trainer.addListener(new TrainingListener() {
            @Override
            public void onValidation(ValidationStats v) {
                trainer.save(file, metadata, trainer.summarySoFar());
                written.accept(v);
            }
        });
        return this;
    }

    /** Trains; the flow ends with the kept parameters. */
    public TrainingResult train() {
        return trainer.train();
    }

    /** Trains and writes the model file with its checkpoint and summary to {@code file}. */
    public TrainingResult trainAndSave(Path file) {
        return trainer.trainAndSave(file, metadata);
    }

    /** The flow being trained. */
    public ContinuousNormalizingFlow flow() {
        return flow;
    }

    /** The trainer (for listeners, a distributed batch gradient, the checkpoint). */
    public Trainer trainer() {
        return trainer;
    }

    /** Whether the run continues a checkpoint. */
    public boolean resumed() {
        return resumed;
    }

    /** The model file's metadata without the training summary. */
    public ModelMetadata metadata() {
        return metadata;
    }

    /** The model file's metadata with the result's training summary. */
    public ModelMetadata metadata(TrainingResult result) {
        return metadata.withTraining(result.summary());
    }
}

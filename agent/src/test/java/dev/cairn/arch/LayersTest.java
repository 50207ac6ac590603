package dev.cairn.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * Data flows one way through the agent's parts (DESIGN.md): cli -> {daemon, ci, demo, results} ->
 * agent -> {trigger, plan, early, render, scheduler, collect, publish, report, metrics, notify} ->
 * model -> {git, dvc, store, config, terratorch}. The subcommands in cli only parse options and
 * call a service: the daemon's composition root, the CI client, the demo or the shared readers of
 * results. The shared vocabulary (run and job states, the request, the run record, status.json, the
 * store's key layout) lives in model. What the agent knows of TerraTorch (its metric names and
 * versions, its backbones, the context of its jobs, the test metrics of its logs) is a foundation,
 * terratorch, that config's checks use; it takes plain values and imports neither config nor
 * render. A part may use those below it, never one above, and no two parts use each other.
 */
class LayersTest {
  private final JavaClasses classes = MainClasses.all();

  @Test
  void parts_formNoCycle() {
    slices().matching("dev.cairn.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void parts_useOnlyThePartsBelowThem() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("commands")
        .definedBy("dev.cairn.cli..", "dev.cairn.bench..")
        .layer("services")
        .definedBy(
            "dev.cairn.daemon..", "dev.cairn.ci..", "dev.cairn.demo..", "dev.cairn.results..")
        .layer("loop")
        .definedBy("dev.cairn.agent..")
        .layer("steps")
        .definedBy(
            "dev.cairn.trigger..",
            "dev.cairn.plan..",
            "dev.cairn.early..",
            "dev.cairn.render..",
            "dev.cairn.scheduler..",
            "dev.cairn.collect..",
            "dev.cairn.publish..",
            "dev.cairn.report..",
            "dev.cairn.metrics..",
            "dev.cairn.notify..")
        .layer("model")
        .definedBy("dev.cairn.model..")
        .layer("foundations")
        .definedBy(
            "dev.cairn.git..",
            "dev.cairn.dvc..",
            "dev.cairn.store..",
            "dev.cairn.config..",
            "dev.cairn.terratorch..")
        .whereLayer("commands")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("services")
        .mayOnlyBeAccessedByLayers("commands")
        .whereLayer("loop")
        .mayOnlyBeAccessedByLayers("commands", "services")
        .whereLayer("steps")
        .mayOnlyBeAccessedByLayers("commands", "services", "loop")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("commands", "services", "loop", "steps")
        .whereLayer("foundations")
        .mayOnlyBeAccessedByLayers("commands", "services", "loop", "steps", "model")
        .check(classes);
  }

  /**
   * The CI client runs in a pipeline job, far from the daemon: it shares the model, the store, Git,
   * DVC, config and reports with it, and imports nothing of the daemon, its loop or the schedulers.
   */
  @Test
  void ciClient_importsNothingOfTheDaemon() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage("dev.cairn.ci..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.cairn.agent..", "dev.cairn.daemon..", "dev.cairn.scheduler..")
        .check(classes);
  }

  /** A subcommand parses its options and calls a service; it is no service for another part. */
  @Test
  void services_doNotReachBackIntoTheCommands() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideOutsideOfPackages("dev.cairn.cli..", "dev.cairn.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cairn.cli..")
        .check(classes);
  }

  @Test
  void schedulerImplementations_areReachedOnlyThroughTheRegistry() {
    for (String impl : new String[] {"slurm", "lsf", "local"}) {
      com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
          .that()
          .resideOutsideOfPackages("dev.cairn.scheduler..", "dev.cairn.bench..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.cairn.scheduler." + impl + "..")
          .check(classes);
    }
  }

  @Test
  void schedulerCore_knowsNoImplementation() {
    // the core (Scheduler, Schedulers, the registry) reaches the plug-ins only through the registry
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .that()
        .resideInAPackage("dev.cairn.scheduler")
        .should()
        .dependOnClassesThat(
            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(
                    "dev.cairn.scheduler..")
                .and(
                    com.tngtech.archunit.base.DescribedPredicate.not(
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(
                            "dev.cairn.scheduler"))))
        .check(classes);
  }
}

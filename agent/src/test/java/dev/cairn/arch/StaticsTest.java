package dev.cairn.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * No process-wide state: what the agent measures and where a test makes it crash are objects handed
 * in ({@code metrics.Metrics}, {@code Faults}), so two agents in one JVM share nothing. A static
 * field is a constant or a logger; only the commands, and the fault injector a crash test turns on,
 * end the JVM.
 */
class StaticsTest {
  private final JavaClasses classes =
      MainClasses.all()
          // the demo trainer is a program of its own (examples/demo-trainer), run as a job
          .that(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("dev.cairn.demo..")));

  @Test
  void staticFields_areFinal() {
    fields()
        .that()
        .areStatic()
        .and()
        .areDeclaredInClassesThat()
        .resideInAPackage("dev.cairn..")
        .should()
        .beFinal()
        .because("a static field is a constant or a logger; state is passed in")
        .check(classes);
  }

  @Test
  void staticFields_holdNoMetricOrRegistry() {
    noFields()
        .that()
        .areStatic()
        .and()
        .areDeclaredInClassesThat()
        .resideInAPackage("dev.cairn..")
        .should()
        .haveRawType(PROMETHEUS)
        .because("counters belong to the agent that owns them, not to the JVM")
        .check(classes);
  }

  @Test
  void onlyTheCommandsAndTheFaultInjector_endTheJvm() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cairn.cli..")
        .and()
        .doNotHaveFullyQualifiedName("dev.cairn.CrashFaults")
        .should()
        .callMethod(System.class, "exit", int.class)
        .orShould()
        .callMethod(Runtime.class, "halt", int.class)
        .orShould()
        .callMethod(Runtime.class, "exit", int.class)
        .because("exit codes are chosen in the command layer only")
        .check(classes);
  }

  /** A Prometheus metric or registry: as a static, every agent of the JVM would share it. */
  private static final DescribedPredicate<JavaClass> PROMETHEUS =
      new DescribedPredicate<>("a Prometheus metric or registry") {
        @Override
        public boolean test(JavaClass type) {
          String name = type.getName();
          return name.startsWith("io.prometheus.metrics.core.metrics.")
              || name.equals("io.prometheus.metrics.model.registry.PrometheusRegistry");
        }
      };
}

package dev.cairn.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A run's and a job's state change only through their transition methods (DESIGN.md): the state
 * fields are private, nothing outside {@code Run} and {@code JobRun} writes them, and no other
 * class of the agent exposes a field anyone may assign.
 */
class RunValuesTest {
  private static final Set<String> VALUES = Set.of("dev.cairn.agent.Run", "dev.cairn.agent.JobRun");
  private final JavaClasses classes = MainClasses.all();

  @Test
  void stateFields_arePrivate() {
    fields()
        .that()
        .haveName("state")
        .and()
        .areDeclaredInClassesThat()
        .haveFullyQualifiedName("dev.cairn.agent.Run")
        .or()
        .haveName("state")
        .and()
        .areDeclaredInClassesThat()
        .haveFullyQualifiedName("dev.cairn.agent.JobRun")
        .should()
        .bePrivate()
        .check(classes);
  }

  @Test
  void stateFields_areWrittenOnlyByTheirOwnClass() {
    DescribedPredicate<JavaFieldAccess> stateOfAValue =
        DescribedPredicate.describe(
            "the state of a Run or a JobRun",
            access ->
                access.getTarget().getName().equals("state")
                    && VALUES.contains(access.getTargetOwner().getFullName()));
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.cairn.agent.Run")
        .and()
        .doNotHaveFullyQualifiedName("dev.cairn.agent.JobRun")
        .should()
        .setFieldWhere(stateOfAValue)
        .check(classes);
  }

  /** No class of the agent, Run and JobRun included, exposes a field anyone may assign. */
  @Test
  void agentClasses_exposeNoAssignableField() {
    noFields()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage("dev.cairn.agent")
        .and()
        .arePublic()
        .should()
        .notBeFinal()
        .check(classes);
  }
}

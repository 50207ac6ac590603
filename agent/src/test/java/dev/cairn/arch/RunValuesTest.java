package dev.cairn.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.cairn.agent.JobRun;
import dev.cairn.agent.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A run's and a job's state change only through their transition methods (DESIGN.md): the state
 * fields are private, nothing outside {@code Run} and {@code JobRun} writes them, a job is an
 * immutable value, no other class of the agent exposes a field anyone may assign, and only the
 * stored form binds JSON.
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

  /**
   * The run record's form on disk is {@code StoredRun}'s and {@code StoredJob}'s alone: no other
   * class of the agent, {@code Run} and {@code JobRun} included, carries a Jackson annotation on
   * itself, a member or a parameter, so the loop's classes change without changing the file.
   */
  @Test
  void agentClasses_otherThanTheStoredForm_carryNoJacksonAnnotation() {
    classes()
        .that()
        .resideInAPackage("dev.cairn.agent..")
        .and()
        .doNotHaveFullyQualifiedName("dev.cairn.agent.StoredRun")
        .and()
        .doNotHaveFullyQualifiedName("dev.cairn.agent.StoredJob")
        .should(CARRY_NO_JACKSON_ANNOTATION)
        .check(classes);
  }

  /** The rule above sees an annotation where one is: on a creator and an accessor. */
  @Test
  void jacksonAnnotationRule_findsTheAnnotationsOfAClassThatHasThem() {
    JavaClasses gate = new ClassFileImporter().importClasses(dev.cairn.config.QualityGate.class);
    EvaluationResult result =
        classes().should(CARRY_NO_JACKSON_ANNOTATION).allowEmptyShould(true).evaluate(gate);
    assertTrue(result.hasViolation(), "QualityGate binds itself with @JsonCreator and @JsonValue");
    assertTrue(
        result.getFailureReport().getDetails().stream().anyMatch(d -> d.contains("JsonCreator")),
        result.getFailureReport().toString());
  }

  private static final ArchCondition<JavaClass> CARRY_NO_JACKSON_ANNOTATION =
      new ArchCondition<>("carry no Jackson annotation") {
        @Override
        public void check(JavaClass javaClass, ConditionEvents events) {
          List<HasAnnotations<?>> annotated = new ArrayList<>();
          annotated.add(javaClass);
          for (JavaMember member : javaClass.getMembers()) {
            annotated.add(member);
            if (member instanceof JavaCodeUnit unit) {
              annotated.addAll(unit.getParameters());
            }
          }
          for (HasAnnotations<?> element : annotated) {
            for (JavaAnnotation<?> a : element.getAnnotations()) {
              if (a.getRawType().getPackageName().startsWith("com.fasterxml.jackson")) {
                events.add(
                    SimpleConditionEvent.violated(
                        javaClass,
                        javaClass.getName()
                            + " carries @"
                            + a.getRawType().getSimpleName()
                            + " on "
                            + element.getDescription()));
              }
            }
          }
        }
      };

  /**
   * What the scheduler reports reaches a job only as a carried-out {@code Verdict}: the transitions
   * that take a scheduler's answer are called from {@code RetryPolicy} alone, which decides each
   * answer's verdict before it changes anything.
   */
  @Test
  void schedulerAnswers_changeAJobOnlyWhereVerdictsAreCarriedOut() {
    answersCalledOnlyBy("dev.cairn.agent.RetryPolicy").check(classes);
  }

  @Test
  void answerRule_findsTheCallsOfTheClassThatMakesThem() {
    EvaluationResult result = answersCalledOnlyBy("dev.cairn.agent.Run").evaluate(classes);
    assertTrue(result.hasViolation(), "RetryPolicy's calls are not seen");
    assertTrue(
        result.getFailureReport().getDetails().stream()
            .anyMatch(d -> d.contains("RetryPolicy") && d.contains("JobRun.reported")),
        result.getFailureReport().toString());
  }

  private static com.tngtech.archunit.lang.ArchRule answersCalledOnlyBy(String caller) {
    Set<String> answerTransitions =
        Set.of("reported", "requeued", "requeuedTooOften", "attemptEnded", "accounted", "usage");
    DescribedPredicate<JavaMethodCall> answerTransition =
        DescribedPredicate.describe(
            "a JobRun transition that takes a scheduler's answer",
            call ->
                call.getTargetOwner().getFullName().equals("dev.cairn.agent.JobRun")
                    && answerTransitions.contains(call.getName()));
    return noClasses()
        .that()
        .doNotHaveFullyQualifiedName(caller)
        .and()
        .doNotHaveFullyQualifiedName("dev.cairn.agent.JobRun")
        .should()
        .callMethodWhere(answerTransition);
  }

  /**
   * A job is an immutable value: every field of {@code JobRun} is final, every method that is not
   * static gives back a value (a transition its next value, never {@code void}), and the fields of
   * the next value are written only inside {@code JobRun}, before that value is made.
   */
  @Test
  void aJob_isAnImmutableValue() {
    fields().that().areDeclaredIn(JobRun.class).should().beFinal().check(classes);
    methods()
        .that()
        .areDeclaredIn(JobRun.class)
        .and()
        .areNotStatic()
        .should()
        .notHaveRawReturnType(void.class)
        .check(classes);
    DescribedPredicate<JavaFieldAccess> nextValue =
        DescribedPredicate.describe(
            "a field of JobRun's next value",
            access ->
                access.getTargetOwner().getFullName().equals(JobRun.class.getName() + "$Next"));
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(JobRun.class.getName())
        .and()
        .doNotHaveFullyQualifiedName(JobRun.class.getName() + "$Next")
        .should()
        .accessFieldWhere(nextValue)
        .check(classes);
  }

  /** The rule above sees a class whose fields are not final: {@code Run} holds its jobs. */
  @Test
  void immutableValueRule_findsTheFieldsOfAClassThatChanges() {
    EvaluationResult result =
        fields().that().areDeclaredIn(Run.class).should().beFinal().evaluate(classes);
    assertTrue(result.hasViolation(), "Run's state field is not final");
    assertTrue(
        result.getFailureReport().getDetails().stream().anyMatch(d -> d.contains("Run.state")),
        result.getFailureReport().toString());
  }
}

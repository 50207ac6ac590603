package dev.cairn.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that uses the one single-node SLURM of the machine (directly, or under the LSF
 * emulator): the class holds {@link SlurmLock} from its first test to its last, so that the test
 * JVMs running beside each other never share the cluster. {@link SlurmCluster#ensure()} refuses a
 * class without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SlurmLock.class)
public @interface UsesSlurm {}

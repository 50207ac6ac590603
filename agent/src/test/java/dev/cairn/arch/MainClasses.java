package dev.cairn.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The agent's main classes, without its tests, imported once for all the architecture tests. */
final class MainClasses {
  private MainClasses() {}

  /** Every class under {@code dev.cairn} that the build ships. */
  static JavaClasses all() {
    return Holder.ALL;
  }

  private static final class Holder {
    static final JavaClasses ALL =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cairn");
  }
}

package io.asyncipc.transport;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the transport core free of Spring, and the platform packages out of each other.
 */
class TransportArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.asyncipc");

	@Test
	void transportCoreImportsNothingFromSpring() {
		noClasses().that()
			.resideInAPackage("io.asyncipc.transport..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(this.classes);
	}

	@Test
	void transportCoreDoesNotKnowTheLayersAboveIt() {
		noClasses().that()
			.resideInAPackage("io.asyncipc.transport..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.asyncipc.messaging..", "io.asyncipc.autoconfigure..")
			.allowEmptyShould(true)
			.check(this.classes);
	}

	@Test
	void sharedCoreDoesNotDependOnAPlatform() {
		noClasses().that()
			.resideInAnyPackage("io.asyncipc.transport", "io.asyncipc.transport.support")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.asyncipc.transport.unix..", "io.asyncipc.transport.windows..")
			.check(this.classes);
	}

}

package io.asyncipc.transport.unix;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HostNameTests {

	@Test
	void hostNameIsTheKernels() throws Exception {
		Path kernel = Path.of("/proc/sys/kernel/hostname");
		assumeTrue(Files.isReadable(kernel), "Linux tells its host name in " + kernel);
		assertThat(HostName.get()).isEqualTo(HostName.safe(Files.readString(kernel).trim())).isNotEmpty();
	}

	@Test
	void nameThatCouldLeaveTheDirectoryIsMadeSafe() {
		assertThat(HostName.safe("../etc")).isEqualTo("localhost");
		assertThat(HostName.safe("a/../b")).isEqualTo("a_.._b");
		assertThat(HostName.safe("..")).isEqualTo("localhost");
		assertThat(HostName.safe("")).isEqualTo("localhost");
		assertThat(HostName.safe("build-01.example.org")).isEqualTo("build-01.example.org");
	}

	@Test
	void longNameIsCut() {
		assertThat(HostName.safe("h".repeat(300))).hasSize(64);
	}

}

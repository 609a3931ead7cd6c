package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.asyncipc.transport.PipeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UnixSocketAddressesTests {

	@TempDir
	Path temp;

	@Test
	void plainNameMapsToASocketInThePrivateDirectory() throws IOException {
		Path path = UnixSocketAddresses.resolve("orders");
		assertThat(path.getFileName()).hasToString("orders.sock");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())))
			.isEqualTo("rwx------");
	}

	@Test
	void windowsStyleNameMapsToItsPlainName() {
		assertThat(UnixSocketAddresses.resolve("\\\\.\\pipe\\orders")).isEqualTo(UnixSocketAddresses.resolve("orders"));
	}

	@Test
	void absolutePathIsUsedAsItIs() {
		Path path = this.temp.resolve("x.sock");
		assertThat(UnixSocketAddresses.resolve(path.toString())).isEqualTo(path);
	}

	@Test
	void nameWithASlashIsRefused() {
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> UnixSocketAddresses.resolve("a/b"))
			.withMessageContaining("may only contain letters");
	}

	@Test
	void pathLongerThanTheOsAllowsIsRefused() {
		String path = "/tmp/" + "x".repeat(UnixSocketAddresses.MAX_PATH_BYTES);
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> UnixSocketAddresses.resolve(path))
			.withMessageContaining("above this OS's limit of " + UnixSocketAddresses.MAX_PATH_BYTES + " bytes");
	}

}

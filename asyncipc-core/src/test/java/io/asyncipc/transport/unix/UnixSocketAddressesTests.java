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
	void absolutePathInADirectoryOthersCanWriteIsRefused() throws IOException {
		for (String permissions : new String[] { "rwxrwxrwx", "rwxrwx---", "rwx-w----" }) {
			Files.setPosixFilePermissions(this.temp, PosixFilePermissions.fromString(permissions));
			String path = this.temp.resolve("x.sock").toString();
			assertThatExceptionOfType(PipeException.class).isThrownBy(() -> UnixSocketAddresses.resolve(path))
				.withMessageContaining("has permissions " + permissions + ": other users can write there")
				.withMessageContaining("chmod 700 " + this.temp);
		}
		Files.setPosixFilePermissions(this.temp, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat(UnixSocketAddresses.resolve(this.temp.resolve("x.sock").toString()))
			.isEqualTo(this.temp.resolve("x.sock"));
	}

	@Test
	void absolutePathInTheSharedTemporaryDirectoryIsRefused() {
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> UnixSocketAddresses.resolve("/tmp/orders.sock"))
			.withMessageContaining("other users can write there");
	}

	@Test
	void absolutePathInAMissingDirectoryIsRefusedWithTheCommandToCreateIt() {
		Path missing = this.temp.resolve("missing");
		assertThatExceptionOfType(PipeException.class)
			.isThrownBy(() -> UnixSocketAddresses.resolve(missing.resolve("x.sock").toString()))
			.withMessageContaining("does not exist; create it with mode 700 (mkdir -m 700 " + missing + ")");
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

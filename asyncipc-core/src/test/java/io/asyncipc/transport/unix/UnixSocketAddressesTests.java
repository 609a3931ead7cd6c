package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import io.asyncipc.transport.PipeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

	@Test
	void directoryOpenToOthersIsRefused() throws IOException {
		Path directory = Files.createDirectory(this.temp.resolve("open"));
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> UnixSocketAddresses.ensurePrivate(directory))
			.withMessageContaining("rwxrwxrwx")
			.withMessageContaining("chmod 700");
	}

	@Test
	void directoryOfAnotherUserIsRefused() throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory to another user");
		Path directory = Files.createDirectory(this.temp.resolve("squatted"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		UserPrincipal nobody = directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
		Files.setOwner(directory, nobody);
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> UnixSocketAddresses.ensurePrivate(directory))
			.withMessageContaining("belongs to 'nobody'");
	}

	@Test
	void linkInPlaceOfTheDirectoryIsRefused() throws IOException {
		Path target = Files.createDirectory(this.temp.resolve("target"));
		Path link = Files.createSymbolicLink(this.temp.resolve("link"), target);
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> UnixSocketAddresses.ensurePrivate(link))
			.withMessageContaining("is not a directory (or is a link)");
	}

}

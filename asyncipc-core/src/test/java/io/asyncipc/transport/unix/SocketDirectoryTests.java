package io.asyncipc.transport.unix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import io.asyncipc.transport.PipeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where plain names live, on real directories in a temporary tree that stands in for
 * {@code /tmp}, the home directory and {@code XDG_RUNTIME_DIR}. A squatter is played by
 * giving a directory (or a link, or a file) to {@code nobody}, which needs root; those tests are
 * skipped for other users.
 */
class SocketDirectoryTests {

	private static final String HOST = "testhost";

	@TempDir
	Path temp;

	private Path tmp;

	private Path home;

	private Path shared;

	@BeforeEach
	void createTree() throws IOException {
		this.tmp = Files.createDirectory(this.temp.resolve("tmp"));
		this.home = Files.createDirectory(this.temp.resolve("home"));
		this.shared = this.tmp.resolve("asyncipc-" + LocalUser.name());
	}

	@Test
	void sharedTemporaryDirectoryIsMadePrivateAndUsed() throws IOException {
		Path directory = withoutRuntimeDirectory().resolve();
		assertThat(directory).isEqualTo(this.shared);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
		assertThat(this.home.resolve(".asyncipc")).doesNotExist();
	}

	@Test
	void runtimeDirectoryIsPreferredWhereItExists() throws IOException {
		Path runtime = Files.createDirectory(this.temp.resolve("run"));
		Path directory = new SocketDirectory(runtime.toString(), this.tmp, this.home, () -> HOST).resolve();
		assertThat(directory).isEqualTo(runtime.resolve("asyncipc"));
		assertThat(this.shared).doesNotExist();
	}

	@Test
	void runtimeDirectoryThatDoesNotExistIsPassedOver() {
		Path directory = new SocketDirectory(this.temp.resolve("gone").toString(), this.tmp, this.home, () -> HOST)
			.resolve();
		assertThat(directory).isEqualTo(this.shared);
	}

	@Test
	void squattedTemporaryDirectoryMakesServerAndClientMeetInTheHomeDirectory() throws IOException {
		giveToNobody(Files.createDirectory(this.shared));
		Path server = withoutRuntimeDirectory().resolve();
		Path client = withoutRuntimeDirectory().resolve();
		assertThat(server).isEqualTo(this.home.resolve(".asyncipc").resolve(HOST)).isEqualTo(client);
		assertThat(Files.getOwner(server, LinkOption.NOFOLLOW_LINKS)).isEqualTo(LocalUser.principal());
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server))).isEqualTo("rwx------");
	}

	@Test
	void homeDirectoryIsKeptAfterTheSquatterLeaves() throws IOException {
		giveToNobody(Files.createDirectory(this.shared));
		Path server = withoutRuntimeDirectory().resolve();
		Files.delete(this.shared);
		Path client = withoutRuntimeDirectory().resolve();
		assertThat(client).as("where a client looks once the squatted directory is gone").isEqualTo(server);
		assertThat(this.shared).doesNotExist();
	}

	@Test
	void linkOfAnotherUserInPlaceOfTheTemporaryDirectoryIsPassedOver() throws IOException {
		Path own = Files.createDirectory(this.temp.resolve("own"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		giveToNobody(Files.createSymbolicLink(this.shared, own));
		assertThat(withoutRuntimeDirectory().resolve()).isEqualTo(this.home.resolve(".asyncipc").resolve(HOST));
	}

	@Test
	void fileOfAnotherUserInPlaceOfTheTemporaryDirectoryIsPassedOver() throws IOException {
		giveToNobody(Files.createFile(this.shared));
		assertThat(withoutRuntimeDirectory().resolve()).isEqualTo(this.home.resolve(".asyncipc").resolve(HOST));
	}

	@Test
	void squattedTemporaryDirectoryWithoutAHomeDirectoryFailsWithWhatToDo() throws IOException {
		giveToNobody(Files.createDirectory(this.shared));
		Path missingHome = this.temp.resolve("nonexistent");
		SocketDirectory directory = new SocketDirectory(null, this.tmp, missingHome, () -> HOST);
		assertThatExceptionOfType(PipeException.class).isThrownBy(directory::resolve)
			.withMessageStartingWith("socket directory " + this.shared + " belongs to 'nobody', not to '"
					+ LocalUser.name() + "': someone may be squatting it")
			.withMessageContaining("the fallback " + missingHome.resolve(".asyncipc").resolve(HOST)
					+ " cannot be used either (home directory " + missingHome + " does not exist)")
			.withMessageContaining("Ask root to remove it (sudo rm -rf " + this.shared + ")")
			.withMessageContaining("set XDG_RUNTIME_DIR to a directory of your own with mode 700")
			.withMessageContaining("give the pipe an absolute path");
		assertThat(missingHome).doesNotExist();
	}

	@Test
	void ownTemporaryDirectoryOpenToOthersIsRefusedRatherThanPassedOver() throws IOException {
		Files.createDirectory(this.shared);
		Files.setPosixFilePermissions(this.shared, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThatExceptionOfType(PipeException.class).isThrownBy(withoutRuntimeDirectory()::resolve)
			.withMessageContaining("chmod 700 " + this.shared);
		assertThat(this.home.resolve(".asyncipc")).doesNotExist();
	}

	@Test
	void homeDirectoryOpenToOthersIsRefused() throws IOException {
		Path fallback = Files.createDirectories(this.home.resolve(".asyncipc").resolve(HOST));
		Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(PipeException.class).isThrownBy(withoutRuntimeDirectory()::resolve)
			.withMessageContaining(fallback + " has permissions rwxrwxrwx");
	}

	@Test
	void directoryOpenToOthersIsRefused() throws IOException {
		Path directory = Files.createDirectory(this.temp.resolve("open"));
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> SocketDirectory.ensurePrivate(directory))
			.withMessageContaining("rwxrwxrwx")
			.withMessageContaining("chmod 700");
	}

	@Test
	void directoryOfAnotherUserIsRefused() throws IOException {
		Path directory = Files.createDirectory(this.temp.resolve("squatted"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		giveToNobody(directory);
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> SocketDirectory.ensurePrivate(directory))
			.withMessageContaining("belongs to 'nobody'")
			.withMessageContaining("sudo rm -rf " + directory);
	}

	@Test
	void linkInPlaceOfTheDirectoryIsRefused() throws IOException {
		Path target = Files.createDirectory(this.temp.resolve("target"));
		Path link = Files.createSymbolicLink(this.temp.resolve("link"), target);
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> SocketDirectory.ensurePrivate(link))
			.withMessageContaining("is not a directory (or is a link)");
	}

	private SocketDirectory withoutRuntimeDirectory() {
		return new SocketDirectory(null, this.tmp, this.home, () -> HOST);
	}

	/**
	 * Gives a file, or a link itself, to {@code nobody}, as if that user had made it.
	 */
	static void giveToNobody(Path path) throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file to another user");
		UserPrincipal nobody = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
		Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
		assertThat(Files.getOwner(path, LinkOption.NOFOLLOW_LINKS)).isEqualTo(nobody);
	}

}

package io.asyncipc.transport.windows;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.asyncipc.transport.EndpointState;
import io.asyncipc.transport.PipeConnection;
import io.asyncipc.transport.PipeEndpoint;
import io.asyncipc.transport.PipeOptions;
import io.asyncipc.transport.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * The server identifies a client by the user SID of its process, a client its server by the
 * owner of the pipe, with no account-name lookup on the I/O thread; a peer that cannot be
 * identified, or a pipe another user owns, is refused without harm to the others.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsPeerIntegrationTests {

	private final WindowsEndpoints endpoints = new WindowsEndpoints();

	@AfterEach
	void stop() {
		this.endpoints.close();
	}

	@Test
	void peersAreKnownBySidAndTheirNamesAreLookedUpOnlyOffTheIoThread() throws Exception {
		CompletableFuture<String> userOnIoThread = new CompletableFuture<>();
		RecordingHandler serverHandler = new RecordingHandler() {

			@Override
			public void onConnected(PipeConnection connection) {
				userOnIoThread.complete(connection.peer().user());
				super.onConnected(connection);
			}

		};
		this.endpoints.server(serverHandler);
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		PipeConnection onServer = WindowsEndpoints.awaitConnection(serverHandler);
		PipeConnection onClient = WindowsEndpoints.awaitConnection(clientHandler);
		String sid = ProcessUsers.current().toString();
		assertThat(sid).startsWith("S-1-");
		assertThat(onServer.peer().userId()).isEqualTo(sid);
		assertThat(onClient.peer().userId()).isEqualTo(sid);
		assertThat(userOnIoThread).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(sid);
		assertThat(onServer.peer().user()).isEqualTo(ProcessUsers.nameOf(sid)).isNotEqualTo(sid);
	}

	@Test
	void aClientThatCannotBeIdentifiedIsRefusedAndTheNextOneIsServed() throws Exception {
		FaultyKernel32 faults = new FaultyKernel32().failNext("GetNamedPipeClientProcessId", 1, (args) -> {
			throw new IllegalStateException("injected: the client's pid could not be read");
		});
		RecordingHandler serverHandler = new RecordingHandler().echoing();
		this.endpoints.newServer(PipeOptions.defaults(), serverHandler, faults.kernel32()).start();
		RecordingHandler clientHandler = new RecordingHandler();
		this.endpoints.client(clientHandler);
		String rejection = serverHandler.rejections.poll(20, TimeUnit.SECONDS);
		assertThat(rejection).isNotNull()
			.contains("could not be identified")
			.contains("injected: the client's pid could not be read");
		PipeConnection onServer = WindowsEndpoints.awaitConnection(serverHandler);
		assertThat(onServer.send("served".getBytes(StandardCharsets.UTF_8))).succeedsWithin(10, TimeUnit.SECONDS);
		await().atMost(10, TimeUnit.SECONDS).until(() -> clientHandler.messageCount() == 1);
	}

	/**
	 * A squatter's pipe: an instance created first under the server's name, owned by the
	 * Administrators group. Windows lets a process make that group the owner only when it runs
	 * elevated; Wine lets any process, which is what makes the squat possible here, in one
	 * process and as one user. Where the OS refuses that owner, the test is skipped; the
	 * decision itself is tested by {@link WindowsPipeOwnerTests} for every owner.
	 */
	@Test
	void aClientRefusesAPipeOwnedByAnotherUser() throws Exception {
		String path = WindowsPipeNames.resolve(this.endpoints.name);
		HANDLE squat;
		try (PipeSecurity security = PipeSecurity.fromSddl("O:BAD:P(A;;GA;;;WD)")) {
			squat = PipeKernel32.instance().CreateNamedPipe(new WString(path),
					PipeKernel32.PIPE_ACCESS_DUPLEX | PipeKernel32.FILE_FLAG_OVERLAPPED,
					PipeKernel32.PIPE_TYPE_MESSAGE | PipeKernel32.PIPE_READMODE_MESSAGE, 4, 65536, 65536, 0,
					security.attributes());
		}
		assumeTrue(squat != null && !WinBase.INVALID_HANDLE_VALUE.equals(squat),
				"the OS does not let this process make the Administrators group the owner of a pipe");
		try {
			RecordingHandler clientHandler = new RecordingHandler();
			PipeEndpoint client = this.endpoints.client(clientHandler);
			String rejection = clientHandler.rejections.poll(20, TimeUnit.SECONDS);
			assertThat(rejection).isNotNull()
				.contains("pipe '" + path + "' is owned by the OS user with SID S-1-5-32-544")
				.contains("not by this process's user, SID " + ProcessUsers.current());
			assertThat(clientHandler.connected).isEmpty();
			assertThat(client.status().state()).isNotEqualTo(EndpointState.CONNECTED);
		}
		finally {
			PipeKernel32.instance().CloseHandle(squat);
		}
	}

}

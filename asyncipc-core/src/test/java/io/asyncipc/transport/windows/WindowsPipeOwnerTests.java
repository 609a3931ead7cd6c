package io.asyncipc.transport.windows;

import java.util.OptionalLong;

import io.asyncipc.transport.PeerIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a client decides on its server's pipe from the pipe's owner, with owner SIDs made from
 * strings rather than read from pipes: Wine does not answer as Windows does (it leaves the
 * owner out of a pipe created without one, where Windows puts the creator's token owner, and it
 * lets a process make any SID the owner, which Windows refuses), so the decision is tested
 * here for each answer Windows can give, whatever Wine would. Needs {@code EqualSid}, hence
 * Windows or Wine.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = WindowsSuite.SKIPPED)
class WindowsPipeOwnerTests {

	private static final String PATH = "\\\\.\\pipe\\orders";

	private final UserSid current = ProcessUsers.current();

	@Test
	void aPipeOwnedByThisUserIsAcceptedAndNamesItsServerByTheOwner() {
		PeerIdentity server = PipePeers.identifyServer(PATH, UserSid.parse(this.current.toString()), this.current,
				OptionalLong.of(42));
		assertThat(server.userId()).isEqualTo(this.current.toString());
		assertThat(server.pid()).hasValue(42);
	}

	@Test
	void aPipeOwnedByAnotherUserIsRefusedNamingThePipeAndTheOwner() {
		String other = "S-1-5-21-1004336348-1177238915-682003330-1001";
		assertThatExceptionOfType(PipePeers.RefusedPeerException.class)
			.isThrownBy(() -> PipePeers.identifyServer(PATH, UserSid.parse(other), this.current, OptionalLong.of(42)))
			.withMessage("pipe '" + PATH + "' is owned by the OS user with SID " + other
					+ ", not by this process's user, SID " + this.current + "; another user may have created it first "
					+ "to pose as the server: stop the process that holds it, or choose another name")
			.satisfies((ex) -> assertThat(ex.peer().userId()).isEqualTo(other));
	}

	/**
	 * What Windows answers for a pipe that an elevated administrator created without setting
	 * its owner: the Administrators group, which other administrators share.
	 */
	@Test
	void aPipeOwnedByTheAdministratorsGroupIsRefused() {
		assertThatExceptionOfType(PipePeers.RefusedPeerException.class)
			.isThrownBy(() -> PipePeers.identifyServer(PATH, UserSid.parse("S-1-5-32-544"), this.current,
					OptionalLong.empty()))
			.withMessageContaining("is owned by the OS user with SID S-1-5-32-544");
	}

	@Test
	void aPipeWithoutOwnerIsRefused() {
		assertThatExceptionOfType(PipePeers.RefusedPeerException.class)
			.isThrownBy(() -> PipePeers.identifyServer(PATH, null, this.current, OptionalLong.of(42)))
			.withMessageStartingWith("pipe '" + PATH + "' has no owner")
			.withMessageContaining(this.current.toString());
	}

}

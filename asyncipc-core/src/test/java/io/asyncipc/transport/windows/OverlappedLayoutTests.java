package io.asyncipc.transport.windows;

import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The {@code OVERLAPPED} and {@code OVERLAPPED_ENTRY} layouts, as the Windows SDK headers
 * define them, for both pointer sizes. Runs anywhere: the layout is a function of the
 * pointer size.
 */
class OverlappedLayoutTests {

	@Test
	void sixtyFourBitWindows() {
		OverlappedLayout layout = OverlappedLayout.of(8);
		assertThat(layout.overlappedSize()).isEqualTo(32);
		assertThat(layout.eventOffset()).isEqualTo(24);
		assertThat(layout.entrySize()).isEqualTo(32);
		assertThat(layout.entryOverlappedOffset()).isEqualTo(8);
		assertThat(layout.entryInternalOffset()).isEqualTo(16);
		assertThat(layout.entryBytesOffset()).isEqualTo(24);
	}

	@Test
	void thirtyTwoBitWindows() {
		OverlappedLayout layout = OverlappedLayout.of(4);
		assertThat(layout.overlappedSize()).isEqualTo(20);
		assertThat(layout.eventOffset()).isEqualTo(16);
		assertThat(layout.entrySize()).isEqualTo(16);
		assertThat(layout.entryOverlappedOffset()).isEqualTo(4);
		assertThat(layout.entryInternalOffset()).isEqualTo(8);
		assertThat(layout.entryBytesOffset()).isEqualTo(12);
	}

	@Test
	void theNativeLayoutIsTheOneOfThisJvmsPointerSize() {
		assertThat(OverlappedLayout.NATIVE).isEqualTo(OverlappedLayout.of(Native.POINTER_SIZE));
	}

	@Test
	void otherPointerSizesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> OverlappedLayout.of(2))
			.withMessage("pointer size must be 4 or 8 bytes, got 2");
	}

}

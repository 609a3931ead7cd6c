package io.asyncipc.test;

import io.asyncipc.messaging.PipeHandler;
import io.asyncipc.messaging.PipeListener;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.handler.annotation.Header;

/**
 * An application with one server pipe (the module's {@code application.yml} names it
 * {@code orders}) and listeners for the tests of the test support.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class DeskApplication {

	@Bean
	Desk desk() {
		return new Desk();
	}

	@Bean
	Pinger pinger() {
		return new Pinger();
	}

	@Bean
	Keeper keeper() {
		return new Keeper();
	}

	@Bean
	Shelf shelf() {
		return new Shelf();
	}

	record Item(String name, int quantity) {
	}

	record Receipt(String name, String tenant) {
	}

	record Ping(int round) {
	}

	record Secret(String word) {
	}

	record Book(String title) {
	}

	static class Desk {

		@PipeListener
		String onText(String text) {
			return text.toUpperCase();
		}

		@PipeListener(id = "items", returnExceptions = true)
		Receipt onItem(Item item, @Header(name = "tenant", required = false) String tenant) {
			if (item.quantity() < 0) {
				throw new IllegalArgumentException("quantity must not be negative, got " + item.quantity());
			}
			return new Receipt(item.name(), tenant);
		}

	}

	/**
	 * A final listener class, which the harness cannot proxy.
	 */
	static final class Pinger {

		@PipeListener
		void onPing(Ping ping) {
		}

	}

	/**
	 * A listener with a private method, which a proxy could not invoke.
	 */
	static class Keeper {

		@PipeListener
		private String onSecret(Secret secret) {
			return "kept " + secret.word();
		}

	}

	/**
	 * A class-level listener, whose handler is picked by payload type.
	 */
	@PipeListener
	static class Shelf {

		@PipeHandler
		String onBook(Book book) {
			return "shelved " + book.title();
		}

	}

}

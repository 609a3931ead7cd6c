package io.asyncipc.benchmarks;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * HTTP/1.1 on loopback, as a team that picks HTTP for two processes on one machine would set it
 * up, for the comparison benchmarks: a Spring Boot application with Spring MVC on its default
 * embedded Tomcat (all its auto-configuration but AsyncIPC's), and Spring's {@link RestClient}
 * on the JDK's {@link HttpClient} with keep-alive. The bodies are raw bytes
 * ({@code application/octet-stream}), the bytes the other candidates carry.
 * <ul>
 * <li>{@code POST /echo}: returns the request body.</li>
 * <li>{@code POST /messages}: counts the message, answers {@code 204 No Content}.</li>
 * <li>{@code GET /messages/count}: answers the count (8 bytes) and starts again from zero.</li>
 * </ul>
 */
final class HttpPeer {

	private HttpPeer() {
	}

	/**
	 * Starts the server on an ephemeral port of the loopback address.
	 * @return the started context, whose {@link #port(ConfigurableApplicationContext)} the client needs
	 */
	static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(Application.class).bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties("server.address=127.0.0.1", "server.port=0", "logging.level.root=warn")
			.run();
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * Creates a client of the server on that port.
	 * @param port the server's port
	 * @return the client
	 */
	static RestClient client(int port) {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		return RestClient.builder()
			.requestFactory(new JdkClientHttpRequestFactory(http))
			.baseUrl("http://127.0.0.1:" + port)
			.build();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration(excludeName = { "io.asyncipc.autoconfigure.AsyncIpcAutoConfiguration",
			"io.asyncipc.autoconfigure.AsyncIpcHealthContributorAutoConfiguration" })
	static class Application {

		@Bean
		Endpoints benchmarkEndpoints() {
			return new Endpoints();
		}

	}

	@RestController
	static class Endpoints {

		private final AtomicLong count = new AtomicLong();

		@PostMapping(path = "/echo", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE,
				produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
		byte[] echo(@RequestBody byte[] body) {
			return body;
		}

		@PostMapping(path = "/messages", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
		ResponseEntity<Void> message(@RequestBody byte[] body) {
			this.count.incrementAndGet();
			return ResponseEntity.noContent().build();
		}

		@GetMapping(path = "/messages/count", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
		byte[] count() {
			return ByteBuffer.allocate(8).putLong(this.count.getAndSet(0)).array();
		}

	}

}

package io.asyncipc.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The AsyncIPC demo application: a web app whose pipe runs as a server by default, and as a
 * client with {@code --asyncipc.role=client}.
 */
@SpringBootApplication
@EnableConfigurationProperties(DemoProperties.class)
public class SampleApplication {

	/**
	 * Starts the demo.
	 * @param args command-line arguments, passed on to Spring Boot
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

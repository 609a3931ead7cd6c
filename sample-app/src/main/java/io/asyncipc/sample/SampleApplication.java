package io.asyncipc.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The AsyncIPC demo application.
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Starts the demo.
	 * @param args command-line arguments, passed on to Spring Boot
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

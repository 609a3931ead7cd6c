package io.asyncipc.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The self-running demo, under {@code sample.demo}.
 */
@ConfigurationProperties("sample.demo")
public class DemoProperties {

	/**
	 * Messages each side sends on its own; 0 turns the demo off. In the server role the
	 * sample also starts a client sample process of its own, and both exit when done.
	 */
	private int rounds;

	/**
	 * Pause between two demo messages.
	 */
	private Duration interval = Duration.ofMillis(300);

	public int getRounds() {
		return this.rounds;
	}

	public void setRounds(int rounds) {
		this.rounds = rounds;
	}

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

}

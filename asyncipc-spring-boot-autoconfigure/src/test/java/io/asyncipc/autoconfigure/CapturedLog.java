package io.asyncipc.autoconfigure;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Keeps what one class logs instead of printing it, so that a test can check the log of an
 * expected failure without putting its stack trace into the build log.
 */
final class CapturedLog implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private Level previousLevel;

	private boolean levelSet;

	private CapturedLog(String source) {
		this.logger = (Logger) LoggerFactory.getLogger(source);
		this.appender.start();
		this.logger.addAppender(this.appender);
		this.logger.setAdditive(false);
	}

	static CapturedLog of(Class<?> source) {
		return new CapturedLog(source.getName());
	}

	static CapturedLog of(String loggerName) {
		return new CapturedLog(loggerName);
	}

	/**
	 * Keeps what a logger logs at the level given and above, such as DEBUG lines that the
	 * build's log level leaves out.
	 */
	static CapturedLog of(String loggerName, Level level) {
		CapturedLog log = new CapturedLog(loggerName);
		log.previousLevel = log.logger.getLevel();
		log.logger.setLevel(level);
		log.levelSet = true;
		return log;
	}

	List<ILoggingEvent> events() {
		return List.copyOf(this.appender.list);
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.logger.setAdditive(true);
		if (this.levelSet) {
			this.logger.setLevel(this.previousLevel);
		}
	}

}
